import { SdnApp } from './client/app.js';
import { checkConnectOptions, type ConnectOptions } from './client/options.js';

/**
 * Connects an app to a runtime: opens the event stream, subscribes, and resolves
 * once the runtime accepted the subscription. Rejects with SdnClientError:
 * INVALID for bad options, UNAVAILABLE when the runtime cannot be reached,
 * UNAUTHENTICATED / PERMISSION_DENIED for the token, TIMEOUT without an answer.
 */
export async function connect(options: ConnectOptions): Promise<SdnApp> {
  checkConnectOptions(options);
  const app = new SdnApp(options);
  try {
    await app.start();
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}
