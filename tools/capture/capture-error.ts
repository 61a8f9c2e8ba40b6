// The one error type the capture reader and the packet decoder throw: a file that is not a capture,
// or one that is cut short or inconsistent. Its message is one line for the user.
export class CaptureError extends Error {
  override name = 'CaptureError';
}
