import type { CampaignSend, NumberInput, NumberSaved, RemindersInput, SendOutcome } from '../../../shared/campaigns/campaign-schemas.js';
import { ApiFailure, type ErrorCode } from '../../../shared/contract/result.js';
import type { BackendAuth } from '../backend/backend-auth.js';
import { callFunction } from '../backend/function-call.js';
import type { Clock } from '../clock/clock.js';
import type { CampaignPlanner } from './campaign-planner.js';

// queue-whatsapp takes at most this many recipients per request.
const CHUNK = 5_000;

const LOST_ANSWER =
  'the messages may or may not be queued. Send again: this campaign never queues anyone twice, whatever was queued already stays as it is.';

const codeForStatus = (status: number): ErrorCode =>
  status === 401 || status === 403
    ? 'forbidden'
    : status === 404
      ? 'not-found'
      : status === 422
        ? 'conflict'
        : status < 500
          ? 'invalid-input'
          : 'unavailable';

interface QueueAnswer {
  queued: { phone: string }[];
  already_queued: { phone: string }[];
  refused: { phone: string; reason: string }[];
  warning?: string;
}

export interface CampaignSenderDeps {
  planner: CampaignPlanner;
  auth: BackendAuth;
  clock: Clock;
  organisationId: () => string | null;
  timeoutMs?: number;
}

/**
 * Queues a campaign through queue-whatsapp as the signed-in user. The campaign's id is
 * the request's idempotency key (the backend keys each row by it and the recipient), so a
 * double click, a retry after a lost answer or a second press much later queues nobody a
 * second time; while one send of a campaign is under way a second is refused outright.
 */
export class CampaignSender {
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: CampaignSenderDeps) {}

  async send(input: CampaignSend): Promise<SendOutcome> {
    const organisationId = this.deps.organisationId();
    if (!organisationId) throw new ApiFailure('forbidden', 'Sign in to the hosted backend (Settings → Hosted backend) to send campaigns.');
    if (this.inFlight.has(input.campaignId)) throw new ApiFailure('conflict', 'This campaign is being sent already; wait for its answer.');
    const preview = this.deps.planner.preview(input);
    if (preview.problems.length) throw new ApiFailure('invalid-input', preview.problems.join(' '));
    const recipients = preview.recipients.filter((r) => !r.problem && !r.excluded);
    if (recipients.length === 0)
      throw new ApiFailure('invalid-input', 'Nobody in this list can be sent to; see the reasons next to each person.');

    this.inFlight.add(input.campaignId);
    try {
      const outcome: SendOutcome = { campaignId: input.campaignId, queued: 0, alreadyQueued: 0, refused: [], warning: null };
      for (let i = 0; i < recipients.length; i += CHUNK) {
        const answer = await this.invoke<QueueAnswer>('queue-whatsapp', LOST_ANSWER, {
          organization_id: organisationId,
          config_id: input.configId,
          template_id: input.templateId,
          idempotency_key: `campaign:${input.campaignId}`,
          campaign: { id: input.campaignId, name: input.name },
          workshop_id: input.workshopId,
          ...(input.scheduledFor ? { scheduled_for: input.scheduledFor } : {}),
          recipients: recipients.slice(i, i + CHUNK).map((r) => ({ phone: `+${r.phone}`, name: r.name ?? '', values: r.values })),
        });
        outcome.queued += answer.queued.length;
        outcome.alreadyQueued += answer.already_queued.length;
        outcome.refused.push(...answer.refused.map((r) => ({ phone: r.phone.replace(/^\+/, ''), reason: r.reason })));
        outcome.warning = answer.warning ?? outcome.warning;
      }
      return outcome;
    } finally {
      this.inFlight.delete(input.campaignId);
    }
  }

  /** Saves a Cloud API number and its access token; the token goes to the backend, which seals it, and is kept nowhere here. */
  async saveNumber(input: NumberInput): Promise<NumberSaved> {
    const organisationId = this.deps.organisationId();
    if (!organisationId) throw new ApiFailure('forbidden', 'Sign in to the hosted backend (Settings → Hosted backend) first.');
    const answer = await this.invoke<{ id: string; created: boolean; templates: number | null; warning?: string }>(
      'save-whatsapp-number',
      'the number may or may not be saved. Save it again: saving twice changes nothing more.',
      {
        organization_id: organisationId,
        phone_number_id: input.phoneNumberId,
        business_account_id: input.businessAccountId,
        access_token: input.accessToken,
        ...(input.label ? { label: input.label } : {}),
        ...(input.displayPhone ? { display_phone_number: input.displayPhone } : {}),
      },
    );
    return { id: answer.id, created: answer.created, templates: answer.templates, warning: answer.warning ?? null };
  }

  /** Switches a workshop's reminders on or off; the backend schedules them and cancels what a switched-off one queued. */
  async setReminders(input: RemindersInput): Promise<void> {
    const organisationId = this.deps.organisationId();
    if (!organisationId) throw new ApiFailure('forbidden', 'Sign in to the hosted backend (Settings → Hosted backend) first.');
    await this.invoke('set-whatsapp-reminders', 'the reminders may or may not be changed. Save again: it sets the same state.', {
      organization_id: organisationId,
      workshop_id: input.workshopId,
      config_id: input.configId,
      template_id: input.templateId,
      parameter_sources: input.parameters,
      enabled: input.enabled,
    });
  }

  private invoke<T>(name: string, lostAnswer: string, body: Record<string, unknown>): Promise<T> {
    return callFunction<T>({
      auth: this.deps.auth,
      clock: this.deps.clock,
      timeoutMs: this.deps.timeoutMs ?? 60_000,
      name,
      body,
      signedOut: 'Sign in to the hosted backend (Settings → Hosted backend) to send campaigns.',
      lostAnswer,
      refusal: (status, answer) => {
        const refused = answer as { error?: string; details?: string[] } | null;
        return status < 500 && refused?.error
          ? new ApiFailure(codeForStatus(status), [refused.error, ...(refused.details ?? [])].join(': '))
          : null;
      },
    });
  }
}
