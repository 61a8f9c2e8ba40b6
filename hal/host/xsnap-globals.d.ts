// Globals that xsnap-worker gives the XS machine (xsnap-worker.c): a synchronous query to the
// host process, and the host's call into the machine, which we install.
declare function issueCommand(message: ArrayBuffer): ArrayBuffer;
declare function print(...values: unknown[]): void;
