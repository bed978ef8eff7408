// Reference data for the synthetic finance system: industry types modelled on Xinjiang's 23 (003),
// their common indicators, and name pools for departments, units, counties and projects.
// Data only; the generator combines it with a seeded PRNG.
import type { Indicator } from '../contracts/finance/finance.zod';

type Spec = [level2: string, name: string, unit: string, direction: Indicator['direction'], core?: 1];

interface IndustryDef {
  code: string;
  name: string;
  /** Industry-specific indicators; common ones are added to every industry. */
  indicators: Spec[];
  /** Topics for project names. */
  topics: string[];
  /** Unit name suffixes under a department of this industry. */
  units: string[];
  /** County bureau that carries county-level projects of a transfer payment. */
  countyBureau: string;
  transfer?: string;
}

const OUT = { qty: '数量指标', qual: '质量指标', time: '时效指标', cost: '成本指标' } as const;
const BEN = { econ: '经济效益指标', social: '社会效益指标', eco: '生态效益指标', sus: '可持续影响指标' } as const;
const SAT = '服务对象满意度指标';

export const INDUSTRIES: IndustryDef[] = [
  { code: 'edu', name: '教育', countyBureau: '教育局', transfer: '义务教育薄弱环节改善与能力提升补助资金',
    indicators: [[OUT.qty, '资助学生人次', '人次', '>=', 1], [OUT.qty, '新建改扩建校舍面积', '平方米', '>='], [OUT.qty, '教师培训人次', '人次', '>='], [OUT.qual, '校舍工程验收合格率', '%', '>=', 1], [OUT.qual, '资助对象认定准确率', '%', '>='], [BEN.social, '义务教育巩固率', '%', '>=', 1]],
    topics: ['学生资助', '校舍维修改造', '教师培训', '教育信息化建设', '实验室设备购置', '职业教育实训基地建设', '学前教育发展', '营养改善计划'],
    units: ['第一中学', '职业技术学院', '师范大学', '实验中学', '实验小学', '特殊教育学校', '教育考试院', '电化教育馆', '第二中学', '第三中学', '工业职业技术学院', '农业职业技术学院', '医学院', '财经大学', '艺术学院'] },
  { code: 'health', name: '卫生健康', countyBureau: '卫生健康委员会', transfer: '基本公共卫生服务补助资金',
    indicators: [[OUT.qty, '基本公共卫生服务覆盖人数', '人', '>=', 1], [OUT.qual, '适龄儿童疫苗接种率', '%', '>=', 1], [OUT.qty, '医疗设备购置数量', '台', '>='], [OUT.qual, '医疗设备验收合格率', '%', '>='], [BEN.social, '孕产妇死亡率', '1/10万', '<=', 1], [SAT, '患者满意度', '%', '>=']],
    topics: ['医疗设备购置', '公立医院综合改革', '重大传染病防控', '基层医疗卫生机构能力建设', '卫生人才培养', '健康扶贫', '急救体系建设'],
    units: ['人民医院', '疾病预防控制中心', '中医医院', '妇幼保健院', '肿瘤医院', '传染病医院', '血液中心', '卫生健康监督所', '急救中心', '精神卫生中心', '职业病医院', '胸科医院'] },
  { code: 'sci', name: '科技', countyBureau: '科学技术局',
    indicators: [[OUT.qty, '支持科研项目数', '个', '>=', 1], [OUT.qty, '发表论文和申请专利数', '篇(件)', '>='], [OUT.qual, '项目结题验收通过率', '%', '>=', 1], [BEN.econ, '带动企业研发投入', '万元', '>='], [BEN.sus, '科技成果转化项目数', '个', '>=']],
    topics: ['重点研发计划', '自然科学基金', '科技成果转化', '创新平台建设', '科技特派员', '高新技术企业培育'],
    units: ['科学技术情报研究所', '生产力促进中心', '科技发展战略研究院', '分析测试中心', '科技馆', '技术市场服务中心'] },
  { code: 'culture', name: '文化旅游', countyBureau: '文化体育广播电视和旅游局',
    indicators: [[OUT.qty, '公共文化场馆免费开放数', '个', '>='], [OUT.qty, '送文化下乡演出场次', '场', '>=', 1], [OUT.qty, '文物保护修缮面积', '平方米', '>='], [BEN.econ, '游客接待量增长率', '%', '>=', 1], [BEN.social, '群众文化活动参与人次', '人次', '>=']],
    topics: ['公共文化服务体系建设', '文物保护', '非物质文化遗产保护', '旅游宣传推广', '文艺精品创作', '公共图书馆免费开放'],
    units: ['图书馆', '博物馆', '艺术剧院', '文化馆', '文物考古研究所', '旅游发展中心', '歌舞团', '美术馆'] },
  { code: 'sport', name: '体育', countyBureau: '体育局',
    indicators: [[OUT.qty, '全民健身设施建设数量', '个', '>=', 1], [OUT.qty, '举办赛事场次', '场', '>='], [BEN.social, '经常参加体育锻炼人口比例', '%', '>=', 1]],
    topics: ['全民健身工程', '体育赛事', '竞技体育训练', '体育场馆免费低收费开放'],
    units: ['体育运动学校', '体育中心', '冰雪运动中心', '体育科学研究所'] },
  { code: 'social', name: '社会保障和就业', countyBureau: '人力资源和社会保障局',
    indicators: [[OUT.qty, '就业技能培训人次', '人次', '>=', 1], [OUT.qty, '城镇新增就业人数', '人', '>='], [OUT.qual, '社保待遇按时足额发放率', '%', '>=', 1], [BEN.social, '培训后就业率', '%', '>=']],
    topics: ['就业补助', '职业技能提升', '社会保险经办', '创业担保贷款贴息', '高校毕业生就业见习'],
    units: ['社会保险事业管理局', '就业服务局', '职业技能鉴定中心', '人事考试中心', '技师学院', '劳动保障监察总队'] },
  { code: 'civil', name: '民政', countyBureau: '民政局', transfer: '困难群众救助补助资金',
    indicators: [[OUT.qty, '特困人员救助供养人数', '人', '>=', 1], [OUT.qual, '低保资金发放准确率', '%', '>=', 1], [OUT.qty, '新增养老机构床位数', '张', '>='], [BEN.social, '困难群众基本生活保障率', '%', '>=']],
    topics: ['困难群众救助', '养老服务体系建设', '儿童福利', '社区治理', '殡葬改革'],
    units: ['社会福利院', '儿童福利院', '救助管理站', '养老服务指导中心', '殡葬管理所', '康复医院'] },
  { code: 'agri', name: '农业农村', countyBureau: '农业农村局', transfer: '高标准农田建设补助资金',
    indicators: [[OUT.qty, '高标准农田建设面积', '亩', '>=', 1], [OUT.qual, '农作物良种覆盖率', '%', '>='], [OUT.qty, '农业技术推广人次', '人次', '>='], [BEN.econ, '农民人均可支配收入增长率', '%', '>=', 1], [BEN.eco, '化肥农药使用量减少', '%', '>=']],
    topics: ['高标准农田建设', '农业技术推广', '动物疫病防控', '农机购置补贴', '耕地地力保护', '农产品质量安全监管', '种业振兴'],
    units: ['农业技术推广总站', '动物疾病预防控制中心', '农产品质量安全中心', '农业机械化技术推广站', '种子管理总站', '植物保护站', '农业广播电视学校'] },
  { code: 'forest', name: '林业草原', countyBureau: '林业和草原局',
    indicators: [[OUT.qty, '完成造林面积', '亩', '>=', 1], [OUT.qty, '草原禁牧休牧面积', '亩', '>='], [OUT.qual, '苗木成活率', '%', '>='], [BEN.eco, '森林覆盖率', '%', '>=', 1]],
    topics: ['天然林保护', '退耕还林还草', '草原生态保护补助奖励', '森林草原防火', '湿地保护'],
    units: ['林业科学研究院', '森林草原防火中心', '林木种苗站', '野生动植物保护中心', '草原工作站'] },
  { code: 'water', name: '水利', countyBureau: '水利局', transfer: '水利发展资金',
    indicators: [[OUT.qty, '新增节水灌溉面积', '亩', '>=', 1], [OUT.qual, '水利工程竣工验收合格率', '%', '>=', 1], [OUT.qty, '农村供水保障人口', '人', '>='], [BEN.eco, '水土流失治理面积', '平方公里', '>=']],
    topics: ['农村饮水安全巩固提升', '中小河流治理', '水库除险加固', '节水灌溉', '水土保持', '山洪灾害防治'],
    units: ['水文局', '水利水电勘测设计研究院', '水土保持监测总站', '灌溉试验中心站', '水利工程建设管理局', '水资源服务中心'] },
  { code: 'transport', name: '交通运输', countyBureau: '交通运输局', transfer: '农村公路建设补助资金',
    indicators: [[OUT.qty, '新改建公路里程', '公里', '>=', 1], [OUT.qual, '公路工程交工验收合格率', '%', '>=', 1], [OUT.qual, '农村公路优良中等路率', '%', '>='], [BEN.social, '平均通行时间缩短', '分钟', '>=']],
    topics: ['农村公路建设', '国省干线养护', '客运站建设', '交通安全设施', '公路危桥改造'],
    units: ['公路管理局', '道路运输管理局', '交通规划勘察设计研究院', '交通建设工程质量监督局', '路政执法总队', '交通信息中心'] },
  { code: 'resources', name: '自然资源', countyBureau: '自然资源局',
    indicators: [[OUT.qty, '土地整治面积', '亩', '>=', 1], [OUT.time, '不动产登记办结时限', '工作日', '<='], [BEN.sus, '耕地保有量', '万亩', '>=', 1], [OUT.qty, '地质灾害隐患点治理数', '处', '>=']],
    topics: ['国土空间规划', '不动产登记', '地质灾害防治', '土地整治', '矿产资源调查'],
    units: ['国土空间规划研究院', '不动产登记中心', '地质环境监测院', '测绘地理信息院', '土地整理中心'] },
  { code: 'environment', name: '生态环境', countyBureau: '生态环境局',
    indicators: [[OUT.qty, '污染治理项目数', '个', '>=', 1], [OUT.qual, '监测数据有效率', '%', '>='], [BEN.eco, '空气质量优良天数比例', '%', '>=', 1], [BEN.eco, '重点污染源排放达标率', '%', '>=']],
    topics: ['大气污染防治', '水污染防治', '土壤污染防治', '生态环境监测能力建设', '农村环境整治'],
    units: ['环境监测总站', '环境科学研究院', '固体废物管理中心', '生态环境执法总队', '辐射环境监督站'] },
  { code: 'housing', name: '住房城乡建设', countyBureau: '住房和城乡建设局', transfer: '城镇老旧小区改造补助资金',
    indicators: [[OUT.qty, '老旧小区改造户数', '户', '>=', 1], [OUT.qty, '保障性住房建设套数', '套', '>=', 1], [OUT.qual, '工程质量验收合格率', '%', '>='], [BEN.eco, '城市污水处理率', '%', '>=']],
    topics: ['老旧小区改造', '保障性安居工程', '城市排水防涝', '农村危房改造', '建筑节能改造'],
    units: ['住房公积金管理中心', '城乡规划设计研究院', '建设工程质量安全监督站', '建设科技与标准中心', '城市建设档案馆'] },
  { code: 'industry', name: '工业和信息化', countyBureau: '工业和信息化局',
    indicators: [[OUT.qty, '支持企业数量', '家', '>=', 1], [OUT.qty, '新增规模以上工业企业数', '家', '>='], [BEN.econ, '带动新增产值', '万元', '>=', 1], [OUT.qty, '新建5G基站数', '个', '>=']],
    topics: ['中小企业发展', '工业转型升级', '信息化建设', '节能降耗', '产业园区基础设施'],
    units: ['中小企业服务中心', '经济和信息化研究院', '无线电管理局', '节能监察中心', '工业和信息化发展中心'] },
  { code: 'commerce', name: '商务', countyBureau: '商务局',
    indicators: [[OUT.qty, '支持外贸企业数', '家', '>='], [OUT.qty, '电商服务站点数', '个', '>=', 1], [BEN.econ, '社会消费品零售额增长率', '%', '>=', 1]],
    topics: ['电子商务进农村', '外经贸发展', '县域商业体系建设', '口岸建设'],
    units: ['商务发展中心', '口岸服务中心', '国际经济合作服务中心', '电子商务促进中心'] },
  { code: 'security', name: '公共安全', countyBureau: '公安局',
    indicators: [[OUT.qty, '装备购置数量', '台(套)', '>=', 1], [OUT.qual, '刑事案件破案率', '%', '>=', 1], [BEN.social, '群众安全感', '%', '>=']],
    topics: ['执法装备购置', '社会治安防控体系建设', '反恐维稳', '交通管理', '网络安全'],
    units: ['交通管理局', '刑事侦查总队', '警察学院', '特警总队', '出入境管理局', '监管总队'] },
  { code: 'justice', name: '司法', countyBureau: '司法局',
    indicators: [[OUT.qty, '法律援助案件数', '件', '>=', 1], [OUT.qual, '人民调解成功率', '%', '>=', 1], [OUT.qty, '普法宣传覆盖人次', '人次', '>=']],
    topics: ['法律援助', '公共法律服务体系建设', '人民调解', '社区矫正', '监所设施改造'],
    units: ['法律援助中心', '司法鉴定中心', '第一监狱', '第二监狱', '强制隔离戒毒所', '公证处'] },
  { code: 'emergency', name: '应急管理', countyBureau: '应急管理局',
    indicators: [[OUT.qty, '应急物资储备数量', '件', '>=', 1], [OUT.qty, '应急演练次数', '次', '>='], [BEN.social, '生产安全事故起数', '起', '<=', 1]],
    topics: ['应急物资储备', '安全生产监管', '自然灾害救助', '应急指挥平台建设', '森林消防'],
    units: ['应急救援指挥中心', '安全生产执法总队', '地震监测中心', '消防救援总队', '矿山救护队'] },
  { code: 'market', name: '市场监管', countyBureau: '市场监督管理局',
    indicators: [[OUT.qty, '监督抽检批次', '批次', '>=', 1], [OUT.qual, '食品安全抽检合格率', '%', '>=', 1], [OUT.qty, '新增市场主体', '户', '>=']],
    topics: ['食品安全抽检', '药品监管', '计量检定', '特种设备安全监察', '知识产权保护'],
    units: ['食品药品检验研究院', '计量测试研究院', '特种设备检验研究院', '标准化研究院', '市场监管综合执法总队', '药品审评中心'] },
  { code: 'general', name: '一般公共服务', countyBureau: '人民政府办公室',
    indicators: [[OUT.qty, '建设信息系统数', '个', '>='], [OUT.qual, '系统正常运行率', '%', '>=', 1], [BEN.social, '政务服务事项网上可办率', '%', '>=', 1]],
    topics: ['信息系统运维', '电子政务建设', '机关运行保障', '统计调查', '审计业务', '档案数字化'],
    units: ['机关服务中心', '信息中心', '事务服务中心', '培训中心', '档案馆', '数据中心', '综合保障中心'] },
  { code: 'grain', name: '粮食和物资储备', countyBureau: '发展和改革委员会',
    indicators: [[OUT.qty, '地方储备粮规模', '万吨', '>=', 1], [OUT.qual, '储备粮质量达标率', '%', '>=', 1], [OUT.qty, '仓容维修改造面积', '平方米', '>=']],
    topics: ['地方储备粮管理', '粮食仓储设施维修', '应急物资储备', '粮食质量监测'],
    units: ['粮油质量检测中心', '储备粮管理总公司', '物资储备中心', '粮食和物资储备服务中心'] },
  { code: 'rural', name: '乡村振兴', countyBureau: '乡村振兴局', transfer: '衔接推进乡村振兴补助资金',
    indicators: [[OUT.qty, '支持帮扶产业项目数', '个', '>=', 1], [BEN.econ, '脱贫人口人均纯收入增长率', '%', '>=', 1], [OUT.qual, '防返贫监测对象帮扶覆盖率', '%', '>=', 1], [BEN.social, '带动脱贫人口就业人数', '人', '>=']],
    topics: ['衔接推进乡村振兴', '产业帮扶', '以工代赈', '易地搬迁后续扶持', '驻村工作队保障'],
    units: ['乡村振兴发展中心', '防返贫监测中心', '对口援疆服务中心', '扶贫开发服务中心'] },
];

/** Indicators every industry carries (timeliness, cost, compliance, sustainability, satisfaction). */
const COMMON: Spec[] = [
  [OUT.time, '项目按期完成率', '%', '>='],
  [OUT.time, '资金支付及时率', '%', '>='],
  [OUT.cost, '实际成本占预算比例', '%', '<='],
  [OUT.qual, '资金使用合规率', '%', '>='],
  [BEN.sus, '长效管理机制健全性', '定性', '='],
  [BEN.social, '受益群众覆盖率', '%', '>='],
  [SAT, '服务对象满意度', '%', '>=', 1],
];

const level1Of = (level2: string): Indicator['level1'] =>
  level2 === SAT ? 'satisfaction' : Object.values(OUT).includes(level2 as never) ? 'output' : 'benefit';

/** The indicator library: specific plus common indicators per industry, coded `<industry>.<nn>`. */
export function indicatorLibrary(): Indicator[] {
  return INDUSTRIES.flatMap((ind) =>
    [...ind.indicators, ...COMMON].map(([level2, name, unit, direction, core], i) => ({
      code: `${ind.code}.${String(i + 1).padStart(2, '0')}`,
      industry: ind.code,
      level1: level1Of(level2),
      level2,
      name,
      unit,
      direction,
      isCore: core === 1,
    })),
  );
}

/** Department names with their main industry. The first two are the demo's fixed departments. */
export const DEPARTMENTS: [name: string, industry: string][] = [
  ['教育厅', 'edu'], ['卫生健康委员会', 'health'], ['农业农村厅', 'agri'], ['交通运输厅', 'transport'], ['水利厅', 'water'],
  ['民政厅', 'civil'], ['科学技术厅', 'sci'], ['工业和信息化厅', 'industry'], ['公安厅', 'security'], ['司法厅', 'justice'],
  ['人力资源和社会保障厅', 'social'], ['自然资源厅', 'resources'], ['生态环境厅', 'environment'], ['住房和城乡建设厅', 'housing'],
  ['商务厅', 'commerce'], ['文化和旅游厅', 'culture'], ['退役军人事务厅', 'social'], ['应急管理厅', 'emergency'], ['审计厅', 'general'],
  ['市场监督管理局', 'market'], ['广播电视局', 'culture'], ['体育局', 'sport'], ['统计局', 'general'], ['林业和草原局', 'forest'],
  ['医疗保障局', 'health'], ['乡村振兴局', 'rural'], ['粮食和物资储备局', 'grain'], ['机关事务管理局', 'general'], ['能源局', 'industry'],
  ['文物局', 'culture'], ['药品监督管理局', 'market'], ['知识产权局', 'sci'], ['人民防空办公室', 'security'], ['信访局', 'general'],
  ['民族宗教事务委员会', 'civil'], ['发展和改革委员会', 'general'], ['档案局', 'general'], ['气象局', 'environment'], ['地震局', 'emergency'],
  ['畜牧兽医局', 'agri'], ['供销合作社联合社', 'commerce'], ['残疾人联合会', 'civil'], ['妇女联合会', 'civil'], ['总工会', 'social'],
  ['科学技术协会', 'sci'], ['社会科学院', 'sci'], ['农业科学院', 'agri'], ['地质矿产勘查开发局', 'resources'], ['监狱管理局', 'justice'],
  ['戒毒管理局', 'justice'], ['消防救援总队', 'emergency'], ['外事办公室', 'general'], ['国有资产监督管理委员会', 'industry'],
  ['地方金融管理局', 'general'], ['大数据管理局', 'general'], ['政务服务管理局', 'general'], ['人大常委会办公厅', 'general'],
  ['政协办公厅', 'general'], ['人民政府办公厅', 'general'], ['高级人民法院', 'justice'], ['人民检察院', 'justice'], ['党校', 'edu'],
  ['共青团委员会', 'social'], ['工商业联合会', 'commerce'], ['文学艺术界联合会', 'culture'], ['红十字会', 'health'], ['侨务办公室', 'general'],
  ['机构编制委员会办公室', 'general'], ['广播电视台', 'culture'], ['日报社', 'culture'], ['公路管理局', 'transport'], ['水文局', 'water'],
  ['塔里木河流域管理局', 'water'], ['煤田地质局', 'resources'], ['测绘地理信息局', 'resources'], ['招生考试院', 'edu'],
  ['教育科学研究院', 'edu'], ['疾病预防控制局', 'health'], ['中医药管理局', 'health'], ['邮政管理局', 'transport'], ['通信管理局', 'industry'],
  ['经济信息中心', 'general'], ['公共资源交易中心', 'general'], ['住房公积金管理中心', 'housing'], ['畜牧科学院', 'agri'],
  ['林业科学研究院', 'forest'], ['环境监测总站', 'environment'], ['食品药品检验研究院', 'market'], ['老干部局', 'general'],
  ['社会主义学院', 'edu'], ['科学院', 'sci'], ['农垦局', 'agri'], ['草原总站', 'forest'], ['口岸管理办公室', 'commerce'],
  ['地方志编纂委员会办公室', 'general'], ['国防动员办公室', 'security'], ['宗教事务局', 'civil'], ['作家协会', 'culture'],
  ['城乡规划设计研究院', 'housing'], ['航空运输服务中心', 'transport'], ['审计信息中心', 'general'], ['计量测试研究院', 'market'],
];

/** Counties (for county-level projects of special transfer payments), by prefecture. */
export const COUNTIES: string[] = [
  '阿勒泰地区阿勒泰市', '阿勒泰地区布尔津县', '阿勒泰地区富蕴县', '阿勒泰地区福海县', '阿勒泰地区哈巴河县', '阿勒泰地区青河县', '阿勒泰地区吉木乃县',
  '伊犁州伊宁县', '伊犁州察布查尔县', '伊犁州霍城县', '伊犁州巩留县', '伊犁州新源县', '伊犁州昭苏县', '伊犁州特克斯县', '伊犁州尼勒克县',
  '昌吉州昌吉市', '昌吉州阜康市', '昌吉州呼图壁县', '昌吉州玛纳斯县', '昌吉州奇台县', '昌吉州吉木萨尔县', '昌吉州木垒县',
  '喀什地区疏附县', '喀什地区疏勒县', '喀什地区英吉沙县', '喀什地区泽普县', '喀什地区莎车县', '喀什地区叶城县', '喀什地区麦盖提县',
  '喀什地区岳普湖县', '喀什地区伽师县', '喀什地区巴楚县', '和田地区和田县', '和田地区墨玉县', '和田地区皮山县', '和田地区洛浦县',
  '和田地区策勒县', '和田地区于田县', '和田地区民丰县', '阿克苏地区温宿县', '阿克苏地区库车市', '阿克苏地区沙雅县', '阿克苏地区新和县',
  '阿克苏地区拜城县', '阿克苏地区乌什县', '阿克苏地区阿瓦提县', '阿克苏地区柯坪县', '塔城地区额敏县', '塔城地区托里县', '塔城地区裕民县',
];

/** Economic classification of expenditure (支出经济分类) used for budget lines. */
export const ECON_CLASSES: [code: string, name: string][] = [
  ['301', '工资福利支出'], ['302', '商品和服务支出'], ['303', '对个人和家庭的补助'], ['310', '资本性支出'], ['312', '对企业补助'], ['399', '其他支出'],
];

/** Unit suffixes any department may have (after its department name). */
export const GENERIC_UNITS: string[] = [
  '机关本级', '信息中心', '事务服务中心', '培训中心', '档案馆', '数据中心', '综合保障中心', '宣传教育中心', '综合行政执法总队', '监测中心',
  '发展研究中心', '技术服务中心', '后勤服务中心', '驻北京联络处', '检验检测中心', '规划研究院', '网络安全中心', '财务核算中心',
  '机关服务局', '政策研究室', '评审中心', '应急保障中心', '人才交流中心', '项目管理中心', '科学研究所', '学会', '协会秘书处',
];

export const PROVINCE_LEVEL_REGION = '自治区本级';
