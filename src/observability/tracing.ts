// Traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: nothing of OpenTelemetry is even loaded otherwise.
// One trace runs from the webhook request (Fastify's instrumentation) through the Temporal client, the
// workflow and its activities (Temporal's interceptors; workflow spans leave the sandbox through a sink)
// to the OpenAI request (undici, i.e. fetch) and the PostgreSQL queries (pg).
import { createRequire } from 'node:module';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';

export interface Tracing {
  /** Client interceptors that put the active span into workflow starts and signals. */
  clientInterceptors(): { workflow: WorkflowClientInterceptor[] };
  /** Worker options: activity interceptors, the workflow interceptor module and the workflow span sink. */
  workerOptions(): Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/** The running tracing setup, or undefined when tracing is off. */
export function tracing(): Tracing | undefined {
  return active;
}

export interface TracingOptions {
  /** OTLP/HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); without it (and without spanProcessor) tracing is off. */
  endpoint?: string | undefined;
  /** Where spans go instead of OTLP (tests: an in-memory exporter). */
  spanProcessor?: SpanProcessor;
  serviceName: string;
}

/** Starts tracing for this process (once). Call it before the API app, Temporal clients and workers exist. */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  if (active) return active;
  if (!options.endpoint && !options.spanProcessor) return undefined;
  const [
    { NodeSDK },
    { BatchSpanProcessor },
    { Resource },
    { OTLPTraceExporter },
    { HttpInstrumentation },
    { UndiciInstrumentation },
    { PgInstrumentation },
    fastifyOtel,
    temporalOtel,
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/instrumentation-pg'),
    import('@fastify/otel'),
    import('@temporalio/interceptors-opentelemetry'),
  ]);

  // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT's base and appends /v1/traces, as the variable's spec says.
  const processor =
    options.spanProcessor ??
    new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint!.replace(/\/+$/, '')}/v1/traces` }));
  const resource = new Resource({ 'service.name': options.serviceName });
  const sdk = new NodeSDK({
    resource,
    spanProcessors: [processor],
    instrumentations: [
      // The exporter's own requests would trace themselves: leave them out.
      new HttpInstrumentation({ ignoreOutgoingRequestHook: () => true }),
      new UndiciInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
      new fastifyOtel.FastifyOtelInstrumentation({ registerOnInitialization: true }) as never,
    ],
  });
  sdk.start();
  // Modules loaded before the SDK started are patched on their next require (the patches go on shared
  // prototypes). MikroORM may carry its own copy of pg: patch the one it loads, and its pool.
  const require = createRequire(import.meta.url);
  for (const id of ['node:http', 'node:https']) require(id);
  for (const from of [import.meta.url, import.meta.resolve('@mikro-orm/postgresql')]) {
    const pgRequire = createRequire(createRequire(from).resolve('pg'));
    pgRequire('pg');
    pgRequire('pg-pool');
  }

  const workflowInterceptors = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');
  active = {
    clientInterceptors: () => ({ workflow: [new temporalOtel.OpenTelemetryWorkflowClientInterceptor()] }),
    workerOptions: () => ({
      interceptors: {
        workflowModules: [workflowInterceptors],
        activity: [
          (ctx) => ({
            inbound: new temporalOtel.OpenTelemetryActivityInboundInterceptor(ctx),
            outbound: new temporalOtel.OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: { exporter: temporalOtel.makeWorkflowExporter(processor, resource) },
    }),
    async shutdown() {
      active = undefined;
      await sdk.shutdown();
    },
  };
  return active;
}
