/**
 * Lets pending events (timers, signals, a worker's messages) run: Node's setImmediate; in browsers a
 * MessageChannel message, which is not clamped to 4 ms as a nested setTimeout(0) is.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => { port1.close(); resolve(); };
    port2.postMessage(null);
  });
}
