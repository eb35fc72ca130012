// Every workflow the worker runs (the bundle's entry point). Workflow code stays deterministic: no I/O here.
export { callAnalysisWorkflow } from './call-analysis.js';
export { leadAnalysisWorkflow, callAnalyzedSignal, leadStateQuery } from './lead-analysis.js';
export { reanalysisWorkflow, callReconciliationWorkflow } from './reanalysis.js';
export * from './scoring.js';
export { promptHealthWorkflow } from './prompt-health.js';
export { promptExperimentWorkflow } from './prompt-experiment.js';
export { eventDeliveryWorkflow } from './event-delivery.js';
