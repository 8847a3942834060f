import { randomUUID } from 'node:crypto';
import type { EventRule } from '../stack/event-rules';
import { type EventPattern, matchesPattern } from './event-patterns';
import { ACCOUNT_ID, type JsonObject, REGION, ServiceError, type StandInService } from './json-protocol';

/** An event as a rule target receives it (EventBridge envelope). */
export interface DeliveredEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: JsonObject;
}

/** The envelope EventBridge wraps around a detail (the shape of the events in fixtures/aws-docs). */
export const eventEnvelope = (
  source: string,
  detailType: string,
  resources: string[],
  detail: JsonObject,
): DeliveredEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': detailType,
  source,
  account: ACCOUNT_ID,
  time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: REGION,
  resources,
  detail,
});

const MAX_ENTRIES = 10;

export interface EventBridgeStandInOptions {
  /** The rules events are matched against (the stack's, from local-runtime/stack/event-rules.ts). */
  rules?: EventRule<EventPattern>[];
  /** Invokes a rule's target with a matched event. */
  deliver?: (target: string, event: DeliveredEvent) => Promise<void>;
}

/**
 * EventBridge stand-in: PutEvents records every entry (the run prints them at the end) and
 * tells the listener. Entries with no Source, DetailType or a Detail that is not a JSON object
 * fail the way EventBridge reports them: per entry, with a FailedEntryCount. Every event, put
 * or sent by a stand-in AWS service, goes to the targets of the rules whose pattern it matches.
 */
export class EventBridgeStandIn {
  readonly published: DeliveredEvent[] = [];
  private readonly listeners: ((event: DeliveredEvent) => void)[] = [];

  constructor(private readonly options: EventBridgeStandInOptions = {}) {}

  /** The targets of the rules `event` matches. */
  targets(event: DeliveredEvent): string[] {
    return (this.options.rules ?? []).filter((rule) => matchesPattern(rule.pattern, event)).map((rule) => rule.target);
  }

  /** Delivers `event` to the target of every rule it matches; true when one matched. */
  async dispatch(event: DeliveredEvent): Promise<boolean> {
    const targets = this.targets(event);
    const deliver = this.options.deliver;
    if (deliver) await Promise.all(targets.map((target) => deliver(target, event)));
    return targets.length > 0;
  }

  onEvent(listener: (event: DeliveredEvent) => void): void {
    this.listeners.push(listener);
  }

  readonly service: StandInService = {
    targetPrefix: 'AWSEvents',
    jsonVersion: '1.1',
    operations: { PutEvents: (input) => this.putEvents(input) },
  };

  private putEvents(input: JsonObject) {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new ServiceError('ValidationException', `Entries must hold 1-${MAX_ENTRIES} entries`);
    }
    let failed = 0;
    const results = entries.map((raw: JsonObject) => {
      const detail = typeof raw.Detail === 'string' ? parseDetail(raw.Detail) : undefined;
      if (typeof raw.Source !== 'string' || typeof raw.DetailType !== 'string' || detail === undefined) {
        failed += 1;
        return {
          ErrorCode: 'MalformedDetail',
          ErrorMessage: 'Source, DetailType and a JSON object Detail are required',
        };
      }
      const resources = Array.isArray(raw.Resources)
        ? raw.Resources.filter((r): r is string => typeof r === 'string')
        : [];
      const event = eventEnvelope(raw.Source, raw.DetailType, resources, detail);
      this.published.push(event);
      for (const listener of this.listeners) listener(event);
      void this.dispatch(event);
      return { EventId: event.id };
    });
    return { FailedEntryCount: failed, Entries: results };
  }
}

const parseDetail = (text: string): JsonObject | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
};
