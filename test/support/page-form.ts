/**
 * The fields of a page's form as a browser would post them back untouched: hidden and date inputs by
 * their value, textareas by their text (less the one line break a browser drops after the opening
 * tag), selects by their selected option (else the first), checkboxes only when checked.
 */

const unescape = (html: string) =>
  html.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');

const attribute = (tag: string, name: string) => tag.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];

export type PostedForm = Record<string, string | string[]>;

/** The form whose `action` is given, as posted back without a change. */
export function formFields(html: string, action: string): PostedForm {
  const start = html.indexOf(`<form method="post" action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: PostedForm = {};
  const add = (name: string | undefined, value: string) => {
    if (name === undefined) return;
    const had = fields[name];
    fields[name] = had === undefined ? value : [had, value].flat();
  };
  for (const [tag] of form.matchAll(/<input\s[^>]*>/g)) {
    const type = attribute(tag, 'type');
    if (type === 'checkbox' && !/\schecked[\s>]/.test(tag)) continue;
    add(attribute(tag, 'name'), unescape(attribute(tag, 'value') ?? ''));
  }
  for (const [, tag, text] of form.matchAll(/(<textarea\s[^>]*>)([\s\S]*?)<\/textarea>/g)) add(attribute(tag!, 'name'), unescape(text!.replace(/^\r?\n/, '')));
  for (const [, tag, options] of form.matchAll(/(<select\s[^>]*>)([\s\S]*?)<\/select>/g)) {
    const all = [...options!.matchAll(/<option value="([^"]*)"([^>]*)>/g)];
    const chosen = all.find(([, , rest]) => /\sselected/.test(rest!)) ?? all[0];
    add(attribute(tag!, 'name'), unescape(chosen?.[1] ?? ''));
  }
  return fields;
}
