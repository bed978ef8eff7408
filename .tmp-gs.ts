import { startDevServer, freePort } from './scripts/temporal';
import { startMailCatcher } from './scripts/mailCatcher';
const t0 = Date.now();
if (process.env.T) { const s = await startDevServer({ port: await freePort(), uiPort: await freePort(), namespace: 'jx' }); await s.stop(); }
if (process.env.M) { const m = await startMailCatcher({ smtpPort: await freePort(), webPort: await freePort(), dir: '/tmp/mdx' }); await m.stop(); }
console.log('done', Date.now() - t0);
setTimeout(() => { console.log(process.getActiveResourcesInfo()); }, 200).unref();
process.on('exit', () => console.log('exit at', Date.now() - t0));
