// Fault injection for the local stack (issue 15), from outside the handlers: with DPIA_FAULTS set,
// the handlers' AWS SDK clients reach DynamoDB, SES and S3 through a proxy that answers a chosen
// share (or number) of calls with the error the real service sends when it throttles or fails,
// and the local Lambda runtime can report a function timed out. The handlers see what they would
// see on AWS; the SDK's own retries and the state machine's Retry blocks do the rest.
//
// DPIA_FAULTS is a JSON list of rules, e.g.
//   [{"service":"ses","fault":"throttle","share":0.3},{"service":"lambda","operation":"score-proposal","fault":"timeout","count":1}]
// Tests in the same process change the rules at run time with `faults.set(...)`.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import * as z from 'zod/mini';
import { boundPort, listen, type RunningService } from './service.js';

export const FAULT_SERVICES = ['dynamodb', 'ses', 's3', 'lambda'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

export const FaultRule = z.object({
  service: z.enum(FAULT_SERVICES),
  /** throttle and server-error for the AWS APIs; timeout for Lambda. */
  fault: z.enum(['throttle', 'server-error', 'timeout']),
  /**
   * DynamoDB: the operation (PutItem, UpdateItem ...); SES: the Action (SendEmail); S3: the HTTP
   * method (GET, PUT); Lambda: the function's short name. Any, when left out.
   */
  operation: z.optional(z.string()),
  /** S3 only: the object key starts with this (e.g. `inbound/` for received mail). */
  keyPrefix: z.optional(z.string()),
  /** A share (0..1) of the matching calls, drawn from a seeded generator. */
  share: z.optional(z.number().check(z.gte(0), z.lte(1))),
  /** Exactly the next N matching calls (after which the rule is spent). */
  count: z.optional(z.number().check(z.int(), z.gte(0))),
  /** Lets this many matching calls through first (e.g. fail a fan-out after its first letters). */
  skip: z.optional(z.number().check(z.int(), z.gte(0))),
});
export type FaultRule = z.infer<typeof FaultRule>;

interface Call {
  service: FaultService;
  operation: string;
  key?: string;
}

/** The rules in force and what they did. One per process: the runner and the tests share it. */
export class FaultInjector {
  private rules: (FaultRule & { left?: number; toSkip: number })[] = [];
  private seed = 0x15;
  readonly injected: Record<string, number> = {};
  calls = 0;

  /** Replaces the rules (an empty list stops injecting); the counters keep counting. */
  set(rules: FaultRule[], seed = 0x15): void {
    this.rules = rules.map((r) => ({
      ...FaultRule.parse(r),
      ...(r.count !== undefined ? { left: r.count } : {}),
      toSkip: r.skip ?? 0,
    }));
    this.seed = seed;
  }

  /** Faults injected so far, in all. */
  total(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  /** The fault to answer this call with, if any (and counts it). */
  decide(call: Call): FaultRule['fault'] | null {
    this.calls += 1;
    for (const rule of this.rules) {
      if (rule.service !== call.service) continue;
      if (rule.operation !== undefined && rule.operation !== call.operation) continue;
      if (rule.keyPrefix !== undefined && !(call.key ?? '').startsWith(rule.keyPrefix)) continue;
      if (rule.toSkip > 0) {
        rule.toSkip -= 1;
        continue;
      }
      let hit: boolean;
      if (rule.left !== undefined) {
        hit = rule.left > 0;
        if (hit) rule.left -= 1;
      } else {
        hit = this.random() < (rule.share ?? 1);
      }
      if (!hit) continue;
      const name = `${call.service} ${rule.fault}`;
      this.injected[name] = (this.injected[name] ?? 0) + 1;
      return rule.fault;
    }
    return null;
  }

  /** mulberry32: the same seed gives the same faults, run after run. */
  private random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export const faults = new FaultInjector();

/** The rules from DPIA_FAULTS, or null when fault injection is off. */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): FaultRule[] | null {
  const raw = env.DPIA_FAULTS;
  if (raw === undefined || raw === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(
      'DPIA_FAULTS is not JSON: expected a list of rules such as [{"service":"ses","fault":"throttle","share":0.3}]',
    );
  }
  const rules = z.array(FaultRule).safeParse(parsed);
  if (!rules.success) throw new Error(`DPIA_FAULTS: ${rules.error.issues[0]?.message ?? 'invalid rule'}`);
  return rules.data;
}

/** What each service answers when it throttles or fails, in its own protocol. */
function errorAnswer(service: Exclude<FaultService, 'lambda'>, fault: 'throttle' | 'server-error') {
  const requestId = crypto.randomUUID();
  if (service === 'dynamodb') {
    const type = fault === 'throttle' ? 'ProvisionedThroughputExceededException' : 'InternalServerError';
    return {
      status: fault === 'throttle' ? 400 : 500,
      type: 'application/x-amz-json-1.0',
      body: JSON.stringify({
        __type: `com.amazonaws.dynamodb.v20120810#${type}`,
        message:
          fault === 'throttle'
            ? 'The level of configured provisioned throughput for the table was exceeded.'
            : 'Internal server error',
      }),
    };
  }
  if (service === 'ses') {
    const [status, kind, code, message] =
      fault === 'throttle'
        ? [400, 'Sender', 'Throttling', 'Maximum sending rate exceeded.']
        : [500, 'Receiver', 'ServiceUnavailable', 'Service is unable to handle request.'];
    return {
      status,
      type: 'text/xml',
      body: `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${kind}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  const [status, code, message] =
    fault === 'throttle'
      ? [503, 'SlowDown', 'Please reduce your request rate.']
      : [500, 'InternalError', 'We encountered an internal error. Please try again.'];
  return {
    status,
    type: 'application/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
  };
}

/** The operation a request names, as the rules match it. */
function operationOf(service: Exclude<FaultService, 'lambda'>, req: IncomingMessage, body: Buffer): Call {
  if (service === 'dynamodb') {
    const target = String(req.headers['x-amz-target'] ?? '');
    return { service, operation: target.split('.').pop() ?? '' };
  }
  if (service === 'ses') {
    const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? req.url ?? '';
    return { service, operation: action };
  }
  // Path style: /<bucket>/<key>
  const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
  const key = path.split('/').slice(2).join('/');
  return { service, operation: req.method ?? 'GET', key };
}

/** A proxy in front of one local service that injects the faults the rules ask for. */
export async function startFaultProxy(options: {
  service: Exclude<FaultService, 'lambda'>;
  host: string;
  target: string;
  injector?: FaultInjector;
}): Promise<RunningService> {
  const injector = options.injector ?? faults;
  const target = new URL(options.target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = injector.decide(operationOf(options.service, req, body));
      if (fault === 'throttle' || fault === 'server-error') {
        const answer = errorAnswer(options.service, fault);
        res.writeHead(answer.status, {
          'content-type': answer.type,
          'content-length': Buffer.byteLength(answer.body),
          'x-amzn-requestid': crypto.randomUUID(),
        });
        res.end(answer.body);
        return;
      }
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await listen(server, `${options.service} fault proxy`, options.host, 0);
  return {
    name: `${options.service} fault proxy`,
    url: `http://${options.host}:${boundPort(server)}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
