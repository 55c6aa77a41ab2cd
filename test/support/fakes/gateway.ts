/**
 * The loopback payment gateway speaking src/modules/payments/PROTOCOL.md. It lives in the
 * module (development runs it in-process when no gateway is configured); tests import it here.
 */
export {
  startFakeGateway,
  type FakeGateway,
  type FakeTransaction,
  type IpnDelivery,
  type IpnMode,
} from '../../../src/modules/payments/fake-gateway.ts';
