# One-off generator of the emitter golden inputs (values.json = chart/values.yaml,
# tricky.json = kustomize/tricky.json). Run in a scratch dir and copy the outputs.
import json, collections
long_words = "The quick brown fox jumps over the lazy dog and keeps running far away into the distance until it is gone"
cases = collections.OrderedDict()
def add(k, v): cases[k] = v
strs = ["true","false","True","TRUE","y","Y","yes","n","no","on","off","On","OFF","null","Null","NULL","~","", "010","0o17","0x1F","0X1f","0b101","-0b101","1_000","_1","1__","+1","-1","+","-","--","---","...","a...","1.0",".5","-.5","+.5",".","..",".inf","-.Inf","+.INF",".nan",".NaN","1e3","1E3","1e999","1e-400","08","09.5","0.","1.","-0","0","123","12345678901234567890","99999999999999999999","1:20","-1:20:30","1:2","190:20:30.15","2001-12-14","2001-12-14t21:59:43.10-05:00","2001-12-14 21:59:43.10","2001-02-30","2001-13-01","2001-1-1","2001-12-14T21:59:43Z","2001-12-14T21:59:43.123456789012Z","2001-12-14T21:59:43+05:00","2001-12-14T24:00:00Z","12001-12-14","<<","=","a b"," leading","trailing ","a: b","a:b","a:","a :","a #b","a#b","#a","&a","*a","!a","|a",">a","%a","@a","`a","'a","\"a","[a","]a","{a","}a",",a","?a","? a","?","-a","- a",":a",": a","a,b","a[b]","a{b}","a?b","a!b","a*b","a&b","a'b","a\"b","tab\there","\ttab","nul\u0000x","bell\u0007","esc\u001b","nbsp\u00a0x","\u00e9t\u00e9","日本語","emoji \U0001F600","\ufeffbom","bom\ufeffmid","nel\u0085x","ls\u2028x","ps\u2029x","a\u2028 b","line1\nline2","line1\nline2\n","line1\nline2\n\n","line1\nline2\n\n\n","\nleadingnl"," leading space\nx","x\n leading space second","trailing space \nx","x\ntrailing space ","tab\n\tline","cr\r\nlf","a\n\nb","\n","\n\n","a\n","#not comment\nx","- item\nx","key: value\nx","\u00e9\n\u00e8", "emoji\n\U0001F600", "back\\slash","quote\"d","a  b","a   "]
for i,s in enumerate(strs): add("s%03d" % i, s)
# folding
add("fold1", long_words)
add("fold2", long_words + " " + long_words)
add("fold3", "x"*90 + " y z")
add("fold4", "aaaa " * 40)
add("fold5", "a"*79 + " b c")
add("fold6", "a"*78 + " b c d")
add("fold7", "a"*76 + " b c d")
add("fold8", ("word  " * 30).strip())
add("fold9", "'" + long_words + " " + long_words)
add("fold10", long_words + " " + long_words + "\ttab")
add("fold11", "x: " + long_words + " " + long_words)
add("fold12", long_words + " " + long_words + " \"q\"  two  " + long_words)
add("fold13", "a"*200)
add("fold14", "\u00e9" * 70 + " word " + "\u00e9"*20 + " more words here")
add("fold15", long_words + "\n" + long_words + " " + long_words)
add("fold16", "true " + long_words)
add("fold17", " " + long_words + " " + long_words)
add("fold18", "ls\u2028" + long_words + " " + long_words)
nums = {"i0":0, "i1":1, "ineg":-5, "f15":1.5, "f10":1.0, "fm":1000000, "fsmall":1e-7, "f1e6":1e-6, "f1e5":0.00001, "f1e4":0.0001, "fbig":1e20, "fbig21":1e21, "f1e19":1e19, "f2_53":9007199254740993, "fnegzero":-0.0, "fpi":3.141592653589793, "f123456":123456.5, "f1234567":1234567.5, "f1e300":1.5e300, "fneg":-2.5, "i2_60":1152921504606846976, "fmax":1.7976931348623157e308, "fmin":5e-324, "ftiny":1.234e-5, "f0001":0.001, "bt":True, "bf":False, "nul":None, "emptymap":{}, "emptylist":[]}
nums = collections.OrderedDict(("n%02d_%s" % (i, k), v) for i, (k, v) in enumerate(nums.items()))
keys = collections.OrderedDict()
for k in ["b","a10","a9","aB","ab","A","10","2","1","_u","","true","y","null","~","010","1.0","a b","a: b","-a","#k","a"*128,"b"*129,"multi\nline","x\u00e9","\u00e9x","Zed","z","a01b","a001","a1","a0","a00","a_","a-","a.","01","001","0","00","19","100","1-2","1.2","\u00c0","\u00e0","\u0391","\u03b1","\u0660","\u0661","k\u0662","k2","k\u0663"]:
    keys[k] = "v"
keys["nested"] = {"c": 1, "B": 2, "a": 3}
lists = ["a", ["b", ["c", []], {}], {"x": 1, "y": [1,2], "z": {"q": "r"}, "w": "multi\nline"}, [], {}, None, long_words + " " + long_words, "multi\nline\n", [{"a": 1}, [{"b": [2]}]], {"k": [], "j": {}, "l": [[]]}, "  "]
nested = {"lvl1": {"lvl2": {"lvl3": {"text": long_words + " " + long_words, "block": "a\nb\n", "blk2": " lead\nx", "list": [long_words + " " + long_words, {"deep": long_words + " " + long_words, "blk": "x\ny"}, ["nested " + long_words + " " + long_words]]}}}}
longkeys = {"k"*128: {"a": 1}, "m"*129: {"a": 1, "b": [1, 2]}, "n"*130: [1, {"x": "y"}], "o"*131: "scalar", "p"*132: {}, "q"*133: [], "r"*129 + " " + "s"*10: "v", ("word " * 30).strip(): ("word " * 30).strip(), "multi\nkey": {"a": 1}, "multi2\nkey\n": ["x"], "multi3\nkey": "val\nue"}
roots = ["plain", "", "true", "multi\nline", "multi\nline\n", "a\n\n", long_words + " " + long_words, " x", "\u0000", "x\u007f", 1.0, 1e20, None, True, [], {}]
values = collections.OrderedDict([("cases", cases), ("nums", nums), ("keys", keys), ("lists", lists), ("nested", nested), ("longkeys", longkeys), ("roots", roots)])
with open("values.json", "w") as f:
    s = json.dumps(values, indent=1, ensure_ascii=True)
    import re
    s = re.sub(r'\\ud([89ab][0-9a-f]{2})\\ud([c-f][0-9a-f]{2})', lambda m: chr(0x10000 + ((int("d"+m.group(1),16)-0xD800)<<10) + (int("d"+m.group(2),16)-0xDC00)), s)
    f.write(s + "\n")

# The kustomize resource: the same values (minus the DEL root, which makes the whole
# conversion fail) plus number forms that only matter with native numbers.
import re
kv = json.loads(json.dumps(values), object_pairs_hook=collections.OrderedDict)
kv["roots"] = [r for r in kv["roots"] if r != "x\u007f"]
kv["nums"]["n90_f10b"] = 1.0
kv["nums"]["n91_ibig"] = 12345678901234567890
kv["nums"]["n92_ibig2"] = 99999999999999999999
kv["nums"]["n93_fexp"] = 1e3
res = collections.OrderedDict([("apiVersion", "example.com/v1"), ("kind", "Tricky"), ("metadata", {"name": "tricky"}), ("spec", kv)])
s = json.dumps(res, indent=1, ensure_ascii=True)
s = re.sub(r'\\ud([89ab][0-9a-f]{2})\\ud([c-f][0-9a-f]{2})', lambda m: chr(0x10000 + ((int("d"+m.group(1),16)-0xD800)<<10) + (int("d"+m.group(2),16)-0xDC00)), s)
s = s.replace('"n93_fexp": 1000.0', '"n93_fexp": 1e3')
with open("tricky.json", "w") as f:
    f.write(s + "\n")
