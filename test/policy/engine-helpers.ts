export { PolicyEngine, RulePack, Severity, PodSecurityPack } from '../../lib/policy';
export { ValidationError as ValidationErrorLike } from '../../lib/core';
