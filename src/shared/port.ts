/**
 * The one thing the trainer host and the renderer need from a message channel.
 * An Electron MessagePortMain, a DOM MessagePort, a Web Worker and a worker_threads port all fit it
 * through a few lines of adapter, so nothing above this file knows which one it talks through.
 */
export interface TrainerPort {
  /** Send one message. Messages are structured-cloned (copied), never transferred. */
  postMessage(message: unknown): void;
  /** Listen for messages; returns a function that stops listening. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Close the channel, if the underlying port can be closed. */
  close?(): void;
}
