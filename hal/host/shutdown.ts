// The log line the desktop firmware writes once its clean shutdown is done (the call ended, the
// registration removed): the Node side (sim/host.ts) stops the engine when it sees it, or after
// a bounded wait.
export const SHUTDOWN_COMPLETE = 'shutdown complete';
