// @ts-check
// ECharts for every process's pages, loaded once from /vendor/echarts.min.js (a UMD script: it sets
// window.echarts); two charts asking at once share the one load, a failed load is tried again next time.

/** @type {Promise<any> | null} */
let loading = null;

/** @returns {Promise<any>} */
export function echarts() {
  loading ??= new Promise((resolve, reject) => {
    const w = /** @type {any} */ (window);
    if (w.echarts) return resolve(w.echarts);
    const s = document.createElement('script');
    s.src = '/vendor/echarts.min.js';
    s.onload = () => resolve(w.echarts);
    s.onerror = () => {
      loading = null;
      reject(new Error('echarts did not load'));
    };
    document.head.append(s);
  });
  return loading;
}
