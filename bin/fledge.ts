import { processIo } from '../lib/cli/io';
import { runCli } from '../lib/cli/run-cli';
import { installPolyfills, silenceSdkNodeWarning } from '../lib/local/polyfills';

installPolyfills();
silenceSdkNodeWarning();
// `fledge list | head` closes the pipe early: that is the reader being done, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

void runCli(process.argv, processIo).then((code) => {
  process.exitCode = code;
});
