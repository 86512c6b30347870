"""Known answers for SM2 through every implementation this CPU supports.

The worked examples of GB/T 32918.5-2017 / GM/T 0003.5-2012 on the recommended curve, with the
nonce k the standard fixes (injected through ccfast._sm2's test-only hooks):
  Annex A  signature of "message digest" with the default ID 1234567812345678;
  Annex C  encryption of "encryption standard" (C1 || C3 || C2);
plus a sign/verify/encrypt/decrypt round trip with fresh nonces."""
import ccfast

D = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
K = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21"
SIG_RS = ("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
          "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA")
ENC_MSG = b"encryption standard"
ENC_C1C3C2 = ("0404EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73"
              "E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0"
              "59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766"
              "21886CA989CA9C7D58087307CA93092D651EFA")


def _check():
    from .. import _sm2, sm2
    key = sm2.SM2PrivateKey.from_bytes(bytes.fromhex(D))
    e = key._key.digest(b"message digest")
    if _sm2._test_sign_digest_with_k(key._key, e, bytes.fromhex(K)) != bytes.fromhex(SIG_RS):
        return False, "Annex A signature mismatch"
    pub = key.public_key()
    try:
        pub.verify(bytes.fromhex(SIG_RS), b"message digest", encoding="raw")
    except Exception:
        return False, "Annex A signature does not verify"
    ct = _sm2._test_encrypt_with_k(pub._key, ENC_MSG, bytes.fromhex(K))
    if ct != bytes.fromhex(ENC_C1C3C2):
        return False, "Annex C ciphertext mismatch"
    if key.decrypt(ct) != ENC_MSG:
        return False, "Annex C decryption mismatch"
    k2 = sm2.generate_private_key()
    sig = k2.sign(b"round trip")
    try:
        k2.public_key().verify(sig, b"round trip")
    except Exception:
        return False, "random-key signature does not verify"
    if k2.decrypt(k2.public_key().encrypt(b"round trip")) != b"round trip":
        return False, "random-key encryption round trip failed"
    return True, "GB/T 32918.5 Annex A signature, Annex C encryption, round trips"


def run():
    avail = ccfast._available_implementations().get("sm2", {})
    if not avail:
        return
    from .. import _sm2
    try:
        for name, ok in avail.items():
            if not ok:
                continue
            _sm2._select_implementation(name)
            try:
                good, why = _check()
            except Exception as exc:            # a selftest reports, it does not crash
                good, why = False, f"{type(exc).__name__}: {exc}"
            yield "sm2", name, good, why
    finally:
        _sm2._select_implementation(None)
