// The payments module's public door: fees paid online through the gateway protocol of
// PROTOCOL.md, receipts, refunds and reconciliation.
import type { Logger } from 'pino';
import { hasRole, systemContext, type RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpModule } from '../../platform/http/types.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { NavItem } from '../../platform/pages/layout.ts';
import { createConfirmation, type Confirmation } from './confirm.ts';
import { createGatewayClient, type GatewaySettings } from './gateway-client.ts';
import { createExpiryJob } from './jobs.ts';
import { createReconciliation } from './reconciliation.ts';
import { renderReceipt } from './receipt.ts';
import { createRefunds } from './refunds.ts';
import { registerPaymentsRoutes } from './routes.ts';
import type { PaymentView } from './schemas.ts';
import { createPaymentCore, isPaidStatus, type PaidHook, type PaymentsDeps } from './service.ts';
import { PaymentNotPaid } from './errors.ts';
import { registerReconciliationPages } from './views/admin.ts';
import { paymentsMessages } from './views/messages.ts';
import { registerPaymentPages } from './views/pages.ts';

export type { PaidHook } from './service.ts';
export type { GatewaySettings } from './gateway-client.ts';
export type {
  CreatePaymentInput,
  PaymentView,
  RefundView,
  Reconciliation,
  ReconciliationLine,
} from './schemas.ts';
export type { PaymentStatus, PaymentItem } from './repo.ts';
export { formatVnd } from './receipt.ts';
export { startFakeGateway, type FakeGateway, type IpnMode } from './fake-gateway.ts';

export interface PaymentsConfig {
  /** The portal's public URL (the gateway sends payers back to `${baseUrl}/payments/return`). */
  baseUrl: string;
  /** The gateway account; null: online payment is off (creating a payment answers 503). */
  gateway: GatewaySettings | null;
  /** Minutes a payment waits for the payer (default 15). */
  expiryMinutes?: number;
}

function createPaymentsService(deps: PaymentsDeps & { expiryJob: NonNullable<PaymentsDeps['expiryJob']> }) {
  const core = createPaymentCore(deps);
  const confirmation: Confirmation = createConfirmation(deps, core);
  const refunds = createRefunds(deps, core);
  const reconciliation = createReconciliation(deps, core);
  return {
    ...core.api,
    ...confirmation,
    ...refunds,
    ...reconciliation,
    /** The receipt of a paid payment, for its payer and the owning agency's officials. */
    async receiptPdf(ctx: RequestContext, id: string): Promise<{ pdf: Buffer; payment: PaymentView }> {
      const payment = await core.api.getPayment(ctx, id);
      if (!isPaidStatus(payment.status)) throw PaymentNotPaid();
      return { pdf: await renderReceipt(payment, ctx.locale), payment };
    },
    /** True when online payment is configured. */
    enabled: deps.gateway !== null,
  };
}

export type PaymentsService = ReturnType<typeof createPaymentsService>;

export interface PaymentsModule {
  service: PaymentsService;
  http: HttpModule;
  nav: NavItem[];
  jobs: JobDefinition[];
}

/**
 * Builds the payments module. `onPaid` hooks run inside the transaction that marks a payment
 * paid (the dossiers module marks its fee paid there, atomically); `notify`, when given, is
 * one more such hook (e.g. an in-app notice to the payer). `now` is for tests.
 */
export function createPaymentsModule(deps: {
  db: Db;
  logger: Logger;
  config: PaymentsConfig;
  onPaid?: PaidHook[];
  notify?: PaidHook;
  now?: () => Date;
}): PaymentsModule {
  const gateway = deps.config.gateway ? createGatewayClient(deps.config.gateway) : null;
  let confirmExpiry: (paymentId: string) => Promise<unknown> = () => Promise.resolve(null);
  const expiryJob = createExpiryJob((paymentId) => confirmExpiry(paymentId));
  const service = createPaymentsService({
    db: deps.db,
    logger: deps.logger,
    baseUrl: deps.config.baseUrl.replace(/\/$/, ''),
    gateway,
    expiryMinutes: deps.config.expiryMinutes ?? 15,
    now: deps.now ?? (() => new Date()),
    onPaid: [...(deps.onPaid ?? []), ...(deps.notify ? [deps.notify] : [])],
    expiryJob,
  });
  confirmExpiry = (paymentId) => service.expireOne(systemContext('payments.expire'), paymentId);
  return {
    service,
    http: {
      name: 'payments',
      register: (app) => {
        registerPaymentsRoutes(app, service);
        registerPaymentPages(app, service);
        registerReconciliationPages(app, service);
      },
    },
    nav: [
      {
        href: '/admin/payments/reconciliation',
        label: paymentsMessages.text('navReconciliation'),
        visible: (actor) =>
          actor.kind === 'official' && hasRole(actor, 'admin', 'one_stop_officer', 'unit_leader'),
      },
    ],
    jobs: [expiryJob],
  };
}
