# GStreamer's MIKEY implementation (GstSdp, gst-plugins-base gstmikey.c) driven from the interop
# tests with Debian's /usr/bin/python3:
#   gst-mikey.py parse <hex>   -> JSON of what GStreamer's parser read (header, map, payloads)
#   gst-mikey.py build <json>  -> hex of a message GStreamer's builder made from the description
#   gst-mikey.py parse-many    -> JSON list, one parse per hex string of the JSON list on stdin
#   gst-mikey.py from-caps <caps> -> hex of the MIKEY-NULL message GStreamer offers for SRTP caps
# The introspected parser insists on a decrypt-info object it cannot create, so parsing calls
# gst_mikey_message_new_from_data through ctypes and reads the public structs of gstmikey.h.
import base64, ctypes, json, sys
import gi
gi.require_version('GstSdp', '1.0'); gi.require_version('Gst', '1.0')
from gi.repository import GstSdp, Gst, GLib

Gst.init(None)
lib = ctypes.CDLL('libgstsdp-1.0.so.0')
P = ctypes.c_void_p
for name, res, args in [
    ('gst_mikey_message_new_from_data', P, [P, ctypes.c_size_t, P, P]),
    ('gst_mikey_message_get_n_cs', ctypes.c_uint, [P]),
    ('gst_mikey_message_get_cs_srtp', P, [P, ctypes.c_uint]),
    ('gst_mikey_message_get_n_payloads', ctypes.c_uint, [P]),
    ('gst_mikey_message_get_payload', P, [P, ctypes.c_uint]),
    ('gst_mikey_payload_sp_get_n_params', ctypes.c_uint, [P]),
    ('gst_mikey_payload_sp_get_param', P, [P, ctypes.c_uint]),
    ('gst_mikey_payload_kemac_get_n_sub', ctypes.c_uint, [P]),
    ('gst_mikey_payload_kemac_get_sub', P, [P, ctypes.c_uint]),
]:
    f = getattr(lib, name); f.restype = res; f.argtypes = args

MINI = 64  # sizeof(GstMiniObject) on LP64

def u8(p, o): return ctypes.c_uint8.from_address(p + o).value
def u16(p, o): return ctypes.c_uint16.from_address(p + o).value
def u32(p, o): return ctypes.c_uint32.from_address(p + o).value
def i32(p, o): return ctypes.c_int32.from_address(p + o).value
def ptr(p, o): return ctypes.c_void_p.from_address(p + o).value
def data(p, n): return ctypes.string_at(p, n).hex() if n else ''

def key_data(s):
    kv_type = i32(s, MINI + 40)
    out = {'keyType': i32(s, MINI + 8), 'key': data(ptr(s, MINI + 16), u16(s, MINI + 12)), 'kvType': kv_type}
    salt_len = u16(s, MINI + 24)
    if salt_len: out['salt'] = data(ptr(s, MINI + 32), salt_len)
    if kv_type: out['kv'] = [data(ptr(s, MINI + 48), u8(s, MINI + 44)), data(ptr(s, MINI + 56), u8(s, MINI + 45))]
    return out

def payload(p):
    t = i32(p, MINI)
    out = {'type': t}
    if t == 5:  # T
        ts = i32(p, MINI + 8); out.update(tsType=ts, value=data(ptr(p, MINI + 16), 4 if ts == 2 else 8))
    elif t == 11:  # RAND
        out.update(value=data(ptr(p, MINI + 16), u8(p, MINI + 8)))
    elif t == 10:  # SP
        params = []
        for i in range(lib.gst_mikey_payload_sp_get_n_params(p)):
            q = lib.gst_mikey_payload_sp_get_param(p, i)
            params.append({'type': u8(q, 0), 'value': data(ptr(q, 8), u8(q, 1))})
        out.update(policy=u32(p, MINI + 8), protType=i32(p, MINI + 12), params=params)
    elif t == 1:  # KEMAC
        subs = [key_data(lib.gst_mikey_payload_kemac_get_sub(p, i)) for i in range(lib.gst_mikey_payload_kemac_get_n_sub(p))]
        out.update(encrAlg=i32(p, MINI + 8), macAlg=i32(p, MINI + 12), keyData=subs)
    elif t == 2:  # PKE
        out.update(cache=i32(p, MINI + 8), data=data(ptr(p, MINI + 16), u16(p, MINI + 12)))
    return out

def parse(hexstr):
    b = bytes.fromhex(hexstr)
    m = lib.gst_mikey_message_new_from_data(b, len(b), None, None)
    if not m:
        return {'error': 'GStreamer refused the message'}
    sessions = []
    for i in range(lib.gst_mikey_message_get_n_cs(m)):
        cs = lib.gst_mikey_message_get_cs_srtp(m, i)
        sessions.append({'policy': u8(cs, 0), 'ssrc': u32(cs, 4), 'roc': u32(cs, 8)})
    return {
        'version': u8(m, MINI), 'dataType': i32(m, MINI + 4), 'v': bool(i32(m, MINI + 8)), 'prf': i32(m, MINI + 12),
        'csbId': u32(m, MINI + 16), 'mapType': i32(m, MINI + 20), 'sessions': sessions,
        'payloads': [payload(lib.gst_mikey_message_get_payload(m, i)) for i in range(lib.gst_mikey_message_get_n_payloads(m))],
    }

def build(spec):
    m = GstSdp.MIKEYMessage.new()
    m.set_info(1, GstSdp.MIKEYType(spec['dataType']), spec['v'], GstSdp.MIKEYPRFFunc(0), spec['csbId'], GstSdp.MIKEYMapType(0))
    for cs in spec['sessions']:
        m.add_cs_srtp(cs['policy'], cs['ssrc'], cs['roc'])
    if 't' in spec: m.add_t(GstSdp.MIKEYTSType(0), bytes.fromhex(spec['t']))
    if 'rand' in spec: m.add_rand(bytes.fromhex(spec['rand']))
    for sp in spec.get('policies', []):
        p = GstSdp.MIKEYPayload.new(GstSdp.MIKEYPayloadType.SP)
        p.sp_set(sp['policy'], GstSdp.MIKEYSecProto(0))
        for prm in sp['params']:
            p.sp_add_param(prm['type'], bytes.fromhex(prm['value']))
        m.add_payload(p)
    if 'tek' in spec:
        k = GstSdp.MIKEYPayload.new(GstSdp.MIKEYPayloadType.KEMAC)
        k.kemac_set(GstSdp.MIKEYEncAlg(0), GstSdp.MIKEYMacAlg(0))
        kd = GstSdp.MIKEYPayload.new(GstSdp.MIKEYPayloadType.KEY_DATA)
        kd.key_data_set_key(GstSdp.MIKEYKeyDataType(2), bytes.fromhex(spec['tek']))
        if 'mki' in spec: kd.key_data_set_spi(bytes.fromhex(spec['mki']))
        k.kemac_add_sub(kd)
        m.add_payload(k)
    return base64.b64decode(m.base64_encode()).hex()

if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'parse': out = parse(sys.argv[2])
    elif cmd == 'parse-many': out = [parse(h) for h in json.load(sys.stdin)]
    elif cmd == 'build': out = build(json.loads(sys.argv[2]))
    elif cmd == 'from-caps': out = base64.b64decode(GstSdp.MIKEYMessage.new_from_caps(Gst.Caps.from_string(sys.argv[2])).base64_encode()).hex()
    else: raise SystemExit('unknown command ' + cmd)
    print(json.dumps(out))
