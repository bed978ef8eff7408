import { startDevServer, freePort } from './scripts/temporal';
const s = await startDevServer({ port: await freePort(), uiPort: await freePort(), namespace: 'jx' });
console.log('PID', s.pid, process.pid);
if (process.env.MODE === 'throw') setTimeout(() => { throw new Error('boom'); }, 100);
else setInterval(() => {}, 1000);
