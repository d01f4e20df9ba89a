/** A pool worker under Node (worker_threads): its init arrives as workerData. */
import { workerData } from 'node:worker_threads';
import { runPoolWorker } from './worker-loop.js';
import type { WorkerInit } from './pool-protocol.js';

runPoolWorker(workerData as WorkerInit);
