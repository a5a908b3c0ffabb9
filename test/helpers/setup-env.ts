import { installPolyfills, silenceSdkNodeWarning } from '../../lib/local/polyfills';

installPolyfills();
silenceSdkNodeWarning();
