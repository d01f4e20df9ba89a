/** A pool worker in a browser (a module Web Worker): its init arrives as the first message. */
import { runPoolWorker } from './worker-loop.js';
import type { WorkerInit } from './pool-protocol.js';

addEventListener('message', (event) => runPoolWorker((event as MessageEvent<WorkerInit>).data), { once: true });
