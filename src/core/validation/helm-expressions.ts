/**
 * Values that hold Helm template expressions (`{{ ... }}`): the chart generator passes them as
 * props and Helm renders them at install, so checks look at the literal text around them.
 */

const HELM_EXPRESSION = /\{\{(?:(?!\}\})[\s\S])*\}\}/g;

/**
 * A value as validation sees it: each Helm template expression becomes the placeholder `x`, so
 * `{{ .Values.registry }}` passes as a registry while `https://{{ .Values.host }}` still fails for
 * its scheme. Empty actions (`{{}}`, `{{- -}}`) and unclosed braces stay and fail the normal rules.
 */
export function literalOf(value: string): string {
  return value.replace(HELM_EXPRESSION, (expr) => (/^\{\{-?\s*-?\}\}$/.test(expr) ? expr : 'x'));
}

/** True when a value holds a Helm template expression (then its final text is only known at install). */
export function hasHelmExpression(value: string): boolean {
  return literalOf(value) !== value;
}
