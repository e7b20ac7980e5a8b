// The HTTP API, route for route from functions/routes.ts (the table the local stack serves too):
// `jwt` routes behind a Cognito JWT authorizer, `none` routes (the signed review link) open, and
// the handlers check the role or the signature themselves either way.
import { Aws, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type RouteSpec, routeKey, WEB_PAGES } from '../../functions/routes.js';

export interface DpiaHttpApiProps {
  routes: readonly RouteSpec[];
  functions: ReadonlyMap<string, lambda.IFunction>;
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
  logRetention: logs.RetentionDays;
}

/** Steady and burst requests per second for the whole stage: a team of managers and auditors. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

const APP_PAGES_REASON =
  'Browser pages: every /app page checks its own signed session cookie and the role in it (set after the hosted-UI sign-in, the ID token verified against the user pool keys).';

/**
 * Why a function's routes may skip the JWT authorizer; a route without one whose function is not
 * here stops synth.
 */
export const OPEN_ROUTE_REASONS: Record<string, string> = {
  review:
    'Approvers are not Cognito users: the review page is reached from a mailed link whose HMAC signature (bound to review, approver and expiry) the handler verifies in constant time; the link is single-use.',
  'dpo-advice':
    'The DPO is not necessarily a Cognito user: the advice page is reached from a mailed link signed exactly as a review link (HMAC bound to the advice request, the DPO and the expiry), verified in constant time; the link is single-use.',
  'signed-dpia':
    'The approver and the DPO read the DPIA document from their mailed links (GET /review/{reviewId}/dpia, GET /dpo/{adviceId}/dpia), whose HMAC signatures the handler verifies exactly as the review and advice pages do; GET /proposals/{id}/dpia (get-dpia) keeps the JWT authorizer.',
  'web-dpia-pdf':
    'GET /app/proposals/{id}/dpia.pdf is a browser download that checks the web session cookie itself, as every /app page does; GET /proposals/{id}/dpia.pdf (get-dpia-pdf) keeps the JWT authorizer.',
  'public-register':
    'The public camera register is published to everyone (SPEC 11): it reads only the register entries, which hold no site, no personal name and no e-mail address; it is read-only, sets no cookie and its answers are cacheable for five minutes.',
  'public-dpia':
    'The public edition of the DPIA of a proposal on the public camera register is published to everyone (SPEC 11): only for a listed (approved) proposal, built from its own allow-list (no site, no personal name, no e-mail address); it is read-only, sets no cookie and its answer is cacheable for five minutes.',
  // The web pages, one function per route group (functions/web/serve.ts serves each group's pages).
  ...Object.fromEntries(Object.keys(WEB_PAGES).map((name) => [name, APP_PAGES_REASON])),
  'web-home': `Browser pages: /, /sign-in and the Cognito callback must be reachable signed out. ${APP_PAGES_REASON}`,
};

export class DpiaHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** The route constructs by route key (`GET /proposals/{id}`). */
  readonly routes = new Map<string, apigw.HttpRoute>();

  constructor(scope: Construct, id: string, props: DpiaHttpApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: 'camera-dpia',
      description: 'camera-dpia: proposals, decisions, audit and the approver review pages',
      createDefaultStage: false,
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // The route key, not the path: a path carries review ids, and the query the signature.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            user: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    const authorizer = new HttpJwtAuthorizer(
      'CognitoJwt',
      `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${props.userPool.userPoolId}`,
      {
        jwtAudience: [props.userPoolClient.userPoolClientId],
        identitySource: ['$request.header.Authorization'],
      },
    );
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of props.routes) {
      const fn = props.functions.get(route.function);
      if (!fn)
        throw new Error(`Route ${routeKey(route)} names function '${route.function}', which is not deployed`);
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.function}-integration`, fn);
        integrations.set(route.function, integration);
      }
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        ...(route.auth === 'jwt' ? { authorizer } : {}),
      });
      if (!httpRoute) throw new Error(`No route was created for ${routeKey(route)}`);
      this.routes.set(routeKey(route), httpRoute);
      if (route.auth === 'none') {
        const reason = OPEN_ROUTE_REASONS[route.function];
        if (!reason) {
          throw new Error(
            `${routeKey(route)} has no authorizer: say why ${route.function} may be open in OPEN_ROUTE_REASONS (infra/constructs/http-api.ts)`,
          );
        }
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      }
    }
  }

  /** Where the API answers; review links start here unless a custom domain fronts it. */
  get endpoint(): string {
    return this.api.apiEndpoint;
  }
}
