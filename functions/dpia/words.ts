// What the DPIA document, the register built from it and the manager's page say where something is missing.
export const NOT_RECORDED = 'Not recorded';
export const NOT_APPLICABLE = 'Not applicable';
