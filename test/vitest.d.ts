// Values test/globalSetup.ts provides to every test file: `inject('temporalAddress')` etc.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the Temporal frontend (a dev server started for the run, or TEMPORAL_TEST_ADDRESS). */
    temporalAddress: string;
    /** Namespace with jixiao's search attributes ("jixiao-test", or TEMPORAL_TEST_NAMESPACE). */
    temporalNamespace: string;
    /** Temporal Web UI of the test server ('' when reusing TEMPORAL_TEST_ADDRESS). */
    temporalUiUrl: string;
    /** Path of the time-skipping test server for TestWorkflowEnvironment.createTimeSkipping ('' if it could not be installed). */
    temporalTestServer: string;
    /** Mail catcher's REST base URL, for listMail / clearMail / waitForMail from scripts/mailCatcher. */
    mailWebUrl: string;
    /** Mail catcher's SMTP port on 127.0.0.1. */
    smtpPort: number;
  }
}
