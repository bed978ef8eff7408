// @ts-check
// Polite polling, so that an officer sees what others changed: a view calls every(ms, fn) and gets
// back a stop function (its cleanup). fn runs every `ms` while the tab is visible
// (document.visibilityState), never twice at once; a hidden tab asks nothing, and when it is shown
// again a check that is due runs at once.
//
// Tests shorten every interval with localStorage: localStorage.setItem('jx.pollMs', '500')
// (milliseconds, at least 200; remove the key to go back to the defaults).

const OVERRIDE = 'jx.pollMs';

/** The interval to use: the override from localStorage when set, else `ms`. */
export function pollMs(ms) {
  const o = Number(localStorage.getItem(OVERRIDE));
  return Number.isFinite(o) && o >= 200 ? o : ms;
}

export function every(ms, fn) {
  const interval = pollMs(ms);
  let timer = null;
  let running = false;
  let stopped = false;
  let last = Date.now();

  const schedule = (delay = interval) => {
    if (stopped || timer) return;
    timer = setTimeout(tick, Math.max(0, delay));
  };
  async function tick() {
    timer = null;
    if (stopped || document.visibilityState !== 'visible') return; // resumes on visibilitychange
    running = true;
    last = Date.now();
    try {
      await fn();
    } catch {
      /* a failed check is retried at the next one */
    } finally {
      running = false;
    }
    schedule();
  }
  const onVisibility = () => {
    if (stopped || running || document.visibilityState !== 'visible') return;
    clearTimeout(timer);
    timer = null;
    schedule(interval - (Date.now() - last));
  };
  document.addEventListener('visibilitychange', onVisibility);
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
