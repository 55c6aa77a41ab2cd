/**
 * The loopback national public service portal (Cổng DVCQG adapter) speaking
 * src/modules/dossiers/sync/PROTOCOL.md. It lives in the module (development runs it in-process
 * when no portal is configured); tests import it here.
 */
export {
  startFakeNationalPortal,
  type FailureMode,
  type FakeNationalPortal,
  type ReceivedItem,
} from '../../../src/modules/dossiers/sync/fake-portal.ts';
