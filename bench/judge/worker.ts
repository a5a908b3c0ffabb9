import { parentPort } from 'node:worker_threads';
import { runCell, type CellTask } from './tasks';

/** A worker thread of the judge benchmark: runs the cells it is sent, one at a time. */
parentPort?.on('message', (task: CellTask) => {
  runCell(task).then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    (error: unknown) => parentPort?.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
