// TODO(scoring issue): weeklyScoringWorkflow and userScoringWorkflow.
export {};
