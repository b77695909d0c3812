import { test } from "node:test";
import assert from "node:assert/strict";
import { substitute, TemplateError } from "../../src/convert/interpolate.js";

// The mapping compose-go's template_test.go uses.
const env: Record<string, string> = { FOO: "first", BAR: "" };
const lookup = (k: string) => env[k];

const CASES: [string, string][] = [
  ["$${foo}", "${foo}"],
  ["foo", "foo"],
  ["a $ string", "a $ string"],
  ["^REGEX$", "^REGEX$"],
  ["$}", "$}"],
  ["$", "$"],
  ["$FOO-bar", "first-bar"],
  ["This ${missing} var", "This  var"],
  ["This ${BAR} var", "This  var"],
  ["This $FOO var", "This first var"],
  ["This ${FOO} var", "This first var"],
  ["ok ${missing:-def}", "ok def"],
  ["ok ${missing-def}", "ok def"],
  ["ok ${BAR:-def}", "ok def"],
  ["ok ${BAR-def}", "ok "],
  ["ok ${FOO:-def}", "ok first"],
  ["ok ${FOO:?err}", "ok first"],
  ["ok ${FOO?err}", "ok first"],
  ["ok ${BAR?err}", "ok "],
  ["${FOO:+alt}", "alt"],
  ["${BAR:+alt}", ""],
  ["${BAR+alt}", "alt"],
  ["${missing+alt}", ""],
  ["${missing:-${FOO:-x}}", "first"],
  ["${missing:-${other:-x}}", "x"],
  ["${FOO:+${missing:-nested}}-end", "nested-end"],
  ["${missing:-a}${FOO}", "afirst"],
  ["$$FOO", "$FOO"],
  ["$$$FOO", "$first"],
];

for (const [template, expected] of CASES) {
  test(`substitutes ${JSON.stringify(template)} to ${JSON.stringify(expected)}`, () => {
    assert.equal(substitute(template, lookup).value, expected);
  });
}

for (const template of ["${", "${}", "${ }", "${ foo}", "${foo }", "${foo!}"]) {
  test(`rejects the invalid template ${JSON.stringify(template)}`, () => {
    assert.throws(
      () => substitute(template, lookup),
      (e: unknown) => e instanceof TemplateError && /Invalid template/.test(e.message),
    );
  });
}

const REQUIRED: [string, string][] = [
  ["${missing:?}", "required variable missing is missing a value"],
  ["${BAR:?it is empty}", "required variable BAR is missing a value: it is empty"],
  ["${missing?oops}", "required variable missing is missing a value: oops"],
  ["${UNSET_VAR?bar-baz}", "required variable UNSET_VAR is missing a value: bar-baz"],
  ["${missing:?${FOO} is needed}", "required variable missing is missing a value: first is needed"],
];

for (const [template, message] of REQUIRED) {
  test(`fails ${JSON.stringify(template)} with "${message}"`, () => {
    assert.throws(
      () => substitute(template, lookup),
      (e: unknown) => e instanceof TemplateError && e.kind === "required" && e.message === message,
    );
  });
}

test("reports every variable read while unset, but not those with a default", () => {
  assert.deepEqual(substitute("$A ${B} ${C:-x} ${D-y} ${E:+z}", lookup).unset, ["A", "B"]);
});

// Cases from compose-go interpolation_test.go, with no variable set.
const NOTHING_SET: [string, string][] = [
  ["{{{ ${FOO:-foo_} }}}", "{{{ foo_ }}}"],
  ["{{{ ${FOO:-foo-bar-value} }}}", "{{{ foo-bar-value }}}"],
  ["{{{ ${FOO:-foo?bar?value} }}}", "{{{ foo?bar?value }}}"],
  ["{{{ ${FOO:-foo:?bar:?value} }}}", "{{{ foo:?bar:?value }}}"],
  ["{{{ ${FOO:-foo} ${BAR:-DEFAULT_VALUE} }}}", "{{{ foo DEFAULT_VALUE }}}"],
  ["{{{ ${BAR} }}}", "{{{  }}}"],
  ["${FOO:-baz} }}}", "baz }}}"],
  ["${FOO-baz} }}}", "baz }}}"],
  ["${FOO:-${BAR:-${ZOT:-qix}}}", "qix"],
  ["${FOO:-${BAR:-x}_test_${BAR:-y}}", "x_test_y"],
  ["${FOO:-${BAR:-x}_test}", "x_test"],
  ["${FOO:-${BAR:-${ZOT:-x}}_test}", "x_test"],
];

for (const [template, expected] of NOTHING_SET) {
  test(`with nothing set, substitutes ${JSON.stringify(template)} to ${JSON.stringify(expected)}`, () => {
    assert.equal(substitute(template, () => undefined).value, expected);
  });
}

const NOTHING_SET_ERRORS: [string, string][] = [
  ["{{{ ${FOO:?foo_} }}}", "foo_"],
  ["{{{ ${FOO:?foo-bar-value} }}}", "foo-bar-value"],
  ["{{{ ${FOO:?foo} ${BAR:-DEFAULT_VALUE} }}}", "foo"],
  ["${FOO:?foo} ${BAR:?bar}", "foo"],
  ["${FOO:?baz} }}}", "baz"],
  ["${FOO?baz} }}}", "baz"],
];

for (const [template, reason] of NOTHING_SET_ERRORS) {
  test(`with nothing set, ${JSON.stringify(template)} fails with the reason ${JSON.stringify(reason)}`, () => {
    assert.throws(() => substitute(template, () => undefined), {
      message: `required variable FOO is missing a value: ${reason}`,
    });
  });
}

const SOME_SET: Record<string, string> = {
  USER: "jenny",
  FOO: "bar",
  count: "5",
  REQUIRED: "true",
};

const WITH_VALUES: [string, string][] = [
  ["{{{ ${FOO:-foo_} }}}", "{{{ bar }}}"],
  ["{{{ ${FOO:-foo} ${BAR:-DEFAULT_VALUE} }}}", "{{{ bar DEFAULT_VALUE }}}"],
  ["{{{ ${FOO:-foo} ${USER:-bar} }}}", "{{{ bar jenny }}}"],
  ["{{{ ${USER} }}}", "{{{ jenny }}}"],
  ["${FOO-baz} }}}", "bar }}}"],
  ["example:${USER}", "example:jenny"],
  ["$FOO:/target", "bar:/target"],
];

for (const [template, expected] of WITH_VALUES) {
  test(`with values, substitutes ${JSON.stringify(template)} to ${JSON.stringify(expected)}`, () => {
    assert.equal(substitute(template, (k) => SOME_SET[k]).value, expected);
  });
}
