// What the DPIA document (and the register built from it) says where something is missing.
export const NOT_RECORDED = 'Not recorded';
export const NOT_APPLICABLE = 'Not applicable';
