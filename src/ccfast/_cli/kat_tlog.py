"""Known answers for ccfast.tlog: SHA-256 through every implementation this CPU supports
(FIPS 180-2 Appendix B examples), the RFC 6962 reference tree of the Certificate Transparency
test suites (roots of sizes 1..8 and an inclusion proof, SHA-256), and the SM3 tree of the same
leaves with batched hashing (multi-buffer kernel) against SM3 one message at a time."""
import ccfast

FIPS = [
    (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
]
LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
ROOT8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
ROOT5 = "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"
PROOF_1_8 = ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]


def _mth(h, leaves):
    if len(leaves) == 1:
        return h(b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return h(b"\x01" + _mth(h, leaves[:k]) + _mth(h, leaves[k:]))


def run():
    from .. import _tlog, sm3, tlog
    for name, ok in ccfast._available_implementations()["sha256"].items():
        if ok:
            good = all(_tlog.sha256(m, _impl=name).hex() == d for m, d in FIPS)
            yield "sha256", name, good, "FIPS 180-2 Appendix B examples 1-2"
    leaves = [bytes.fromhex(x) for x in LEAVES]
    hashes = _tlog.leaf_hashes(_tlog.HASHES["sha256"], leaves)
    lv = _tlog.levels(_tlog.HASHES["sha256"], 0, [], hashes)
    root5 = _tlog.levels(_tlog.HASHES["sha256"], 0, [], hashes[:5 * 32])
    good = lv[3].hex() == ROOT8 and bytes(_tlog.node_hash(1, root5[2], root5[0][128:160])).hex() == ROOT5
    good = good and _tlog.verify_inclusion(1, 0, 8, hashes[:32], [bytes.fromhex(p) for p in PROOF_1_8],
                                           bytes.fromhex(ROOT8))
    yield "tlog-sha256", ccfast.implementations()["sha256"], good, "RFC 6962 reference tree: roots 5 and 8, inclusion proof"
    data = [bytes([i & 255]) * (i * 13 % 300) for i in range(300)]
    want = b"".join(sm3.digest(b"\x00" + d) for d in data)
    got = _tlog.leaf_hashes(_tlog.HASHES["sm3"], data)
    lv = _tlog.levels(_tlog.HASHES["sm3"], 0, [], got[:256 * 32])
    good = got == want and lv[8] == _mth(sm3.digest, data[:256])
    yield "tlog-sm3", ccfast.implementations()["sm3-mb"], good, "300 leaves and a 256-leaf tree vs SM3 one at a time"
