#!/usr/bin/python3
"""Applies one op sequence (JSON on stdin) to a fresh image on the real cluster ($CEPH_CONF, pool argv[1])
and prints librbd's diff_iterate for every pair of views as JSON. The image is left for the caller's rbd commands."""
import json, sys
import rados, rbd

seq = json.load(sys.stdin)
cluster = rados.Rados(conffile='')
cluster.conf_read_file()
cluster.conf_set('rbd_skip_partial_discard', 'false')
cluster.connect()
io = cluster.open_ioctx(sys.argv[1])
name = seq['name']
rbd.RBD().create(io, name, seq['size'], order=seq['order'])

def data(seed, n):
    # The same bytes as OpSequence.Data: a 65521-byte block of a small integer hash, repeated.
    if not seed:
        return bytes(n)
    block = bytearray(65521)
    for i in range(len(block)):
        x = (seed * 2654435761 + i * 40503) & 0xffffffff
        x ^= x >> 15
        x = (x * 2246822519) & 0xffffffff
        x ^= x >> 13
        block[i] = x & 0xff
    return (bytes(block) * (n // len(block) + 1))[:n]

snaps = []
with rbd.Image(io, name) as image:
    for op in seq['ops']:
        kind = op[0]
        if kind == 'w': image.write(data(op[3], op[2]), op[1])
        elif kind == 'd': image.discard(op[1], op[2])
        elif kind == 's': image.create_snap(op[1]); snaps.append(op[1])
        elif kind == 'p': image.protect_snap(op[1])
        elif kind == 'r': image.resize(op[1])
        elif kind == 'rb': image.rollback_to_snap(op[1])
        elif kind == 'rm': image.remove_snap(op[1]); snaps.remove(op[1])
diffs = {}
views = snaps + [None]
for ti, to in enumerate(views):
    for start in [None] + views[:ti]:
        with rbd.Image(io, name, snapshot=to, read_only=True) as view:
            for whole in (False, True):
                extents = []
                view.diff_iterate(0, view.size(), start, lambda o, l, e: extents.append([o, l, bool(e)]),
                                  include_parent=True, whole_object=whole)
                diffs[f"{start}->{to}/{int(whole)}"] = extents
print(json.dumps({'snaps': snaps, 'diffs': diffs}))
