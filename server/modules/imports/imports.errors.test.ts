/** Every reason a feed can be refused for has a stable code, an English sentence, and a message in each language of the web app. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROW_ERROR_CODES, rowError } from './imports.errors.ts';
import * as ui from '../../../web/src/i18n/imports.ts';

test('each row-error code reads in Dutch, French and English, naming the same parameters', () => {
  assert.ok(ROW_ERROR_CODES.length >= 30);
  const uiCodes = Object.keys(ui.nl)
    .filter((k) => k.startsWith('imports.error.'))
    .map((k) => k.slice('imports.error.'.length));
  assert.deepEqual([...uiCodes].sort(), [...ROW_ERROR_CODES].sort(), 'the web app knows exactly the codes the server gives');
  for (const code of ROW_ERROR_CODES) {
    const english = rowError(1, null, code, {
      fields: '{fields}',
      header: '{header}',
      detail: '{detail}',
      kind: '{kind}',
      max: '{max}',
      list: '{list}',
      line: '{line}',
    }).reason;
    const named = (s: string) => (s.match(/\{[a-z]+\}/gi) ?? []).sort();
    for (const language of [ui.nl, ui.fr, ui.en] as Record<string, string>[]) {
      const message = language[`imports.error.${code}`]!;
      assert.ok(message, `${code} has a message`);
      assert.deepEqual(named(message), named(english), `${code}: the message names the parameters the server sends`);
    }
  }
  assert.deepEqual(rowError(9, 'lessonStart', 'duplicateAttendance', { line: 2 }), {
    line: 9,
    column: 'lessonStart',
    code: 'duplicateAttendance',
    params: { line: 2 },
    reason: 'the attendance of this person at this lesson is already on line 2',
  });
});
