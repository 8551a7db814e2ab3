#!/usr/bin/env python3
"""Fill the empty or fuzzy msgstr of a module's zh_CN.po from a mapping.

Usage: scripts/po_fill.py addons/<module>/locale/zh_CN.po < mapping.json
where mapping.json is {"msgid": "译文", "msgctxt|msgid": "译文", ...}; a key
with the context wins over the bare msgid.  Prints what is still missing.
"""
import json
import sys

import polib


def main(path):
    mapping = json.load(sys.stdin)
    po = polib.pofile(path, wrapwidth=78)
    for entry in po:
        if entry.msgstr and 'fuzzy' not in entry.flags:
            continue
        value = mapping.get(f'{entry.msgctxt}|{entry.msgid}',
            mapping.get(entry.msgid))
        if value:
            entry.msgstr = value
            if 'fuzzy' in entry.flags:
                entry.flags.remove('fuzzy')
    po.save(path)
    missing = [e for e in po if not e.msgstr or 'fuzzy' in e.flags]
    for entry in missing:
        print(f'{entry.msgctxt}\t{entry.msgid}')
    print(f'{path}: {len(missing)} missing', file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1])
