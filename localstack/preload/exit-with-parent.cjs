'use strict';
// Preloaded with `node -r` into emulators the embedded stack starts. The parent kills its children
// on a normal exit, but a parent killed by SIGKILL (or the OOM killer) runs no handler: this makes
// the child notice that its parent is gone and exit instead of holding its port forever.
const parentPid = Number(process.env.SLUICE_PARENT_PID);

if (Number.isInteger(parentPid) && parentPid > 1) {
  const timer = setInterval(() => {
    try {
      // Signal 0 checks existence only; ESRCH means the parent has exited.
      process.kill(parentPid, 0);
    } catch (error) {
      if (error && error.code === 'ESRCH') process.exit(0);
    }
  }, 1000);
  // The check must never be what keeps the child alive.
  timer.unref();
}
