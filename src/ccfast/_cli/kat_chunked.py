"""Known answers for chunked encryption (c2sp.org/chunked-encryption) through the kernels this
CPU uses: Wycheproof's Cobblestone-256 and Cobblestone-128 vectors 2 and 10 (a 7-byte message,
without and with a context holding a zero byte), decrypted (the message's SHA-512 is the
vector's) and re-encrypted with the vector's salt (the ciphertext is the vector's)."""
import hashlib

# Wycheproof testvectors_v1 c2sp_chunked_encryption_aes_{256,128}_gcm_test.json, `ct` decompressed
KEY256 = "59454c4c4f57205355424d4152494e452059454c4c4f57205355424d4152494e"
KEY128 = "59454c4c4f57205355424d4152494e45"
MSG_SHA512 = ("e85f32a85f1d4f7c9b2d36d20eca8435d81253e7075e9dea069eb1b6da48daf9"
              "2ef1797367b520d8a46c4f72cecb85b1daff8887fcb41721d39943d1952fc180")
VECTORS = [
    ("AES_256_GCM_SHA512", 2, KEY256, "",
     "a1a1b56f6db58cd1ede0c5c9db62aef20d3f96a6c594bb9252bb38122de91236502b42a1d7fcab820ffa292940d2f86a"
     "dd212cfa42c38df19d3cc9139ee61a5990d3db57433514229beea49a8a72bd"),
    ("AES_256_GCM_SHA512", 10, KEY256, "7465737400636f6e74657874",
     "12ede102c3ef730da4f3d4dbfaf11003683238315befe73b21ebb2246ac19f3a7d50abd2a5a365f7652bda670814dbc8"
     "83ce618256d2d513bd238c2c0dded7614d52bef77bc04273656df97a294323"),
    ("AES_128_GCM_SHA512", 2, KEY128, "",
     "99ef5b6b98795b7b37a41d6321d8dd472347c76185f40027e921542dd7e4305bb67a175e5088a8a4db92ef4d3419bda9"
     "17dd5099085be2f35cf32165613d4fe58db45dd4619b454586232f2661a2bf"),
]


def run():
    from .. import chunked
    from .._chunked import Cipher
    for suite_name, tc, key, ctx, ct in VECTORS:
        suite = chunked.Suite[suite_name]
        key, ctx, ct = bytes.fromhex(key), bytes.fromhex(ctx), bytes.fromhex(ct)
        impl = Cipher(*chunked._params(key, ctx, suite)[1], key, ct[:24], ctx)._implementation
        try:
            msg = chunked.decrypt(key, ct, context=ctx, suite=suite)
            good = (hashlib.sha512(msg).hexdigest() == MSG_SHA512 and
                    chunked._encrypt_with_salt(key, msg, ct[:24], context=ctx, suite=suite) == ct)
        except Exception:             # a failure is a FAIL line, not a crash
            good = False
        yield "chunked", impl, good, f"Wycheproof {suite_name} tc{tc}: decrypt and salted re-encrypt"
