"""Known answers for SM4 through every implementation this CPU supports: GB/T 32907-2016
Appendix A example 1 (encrypt and decrypt), and the RFC 8998 Appendix A SM4-GCM and SM4-CCM
examples (which also run the CTR and CBC-MAC paths)."""
import ccfast

KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
# GB/T 32907-2016 Appendix A, example 1
GB_CT = bytes.fromhex("681EDF34D206965E86B3E94F536E4246")
# RFC 8998 Appendix A: key as above
NONCE = bytes.fromhex("00001234567800000000ABCD")
AAD = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
PT = bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
                   "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
GCM = bytes.fromhex("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
                    "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
                    "83DE3541E4C2B58177E065A9BF7B62EC")
CCM = bytes.fromhex("48AF93501FA62ADBCD414CCE6034D895DDA1BF8F132F042098661572E7483094"
                    "FD12E518CE062C98ACEE28D95DF4416BED31A2F04476C18BB40C84A74B97DC5B"
                    "16842D4FA186F56AB33256971FA110F4")


def run():
    from ..aead import SM4CCM, SM4GCM
    from ..sm4 import SM4
    for name, ok in ccfast._available_implementations()["sm4"].items():
        if not ok:
            continue
        s = SM4(KEY, _impl=name)
        good = s.encrypt_ecb(KEY) == GB_CT and s.decrypt_ecb(GB_CT) == KEY
        # many blocks at once cross the implementation's parallel paths
        many = s.encrypt_ecb(KEY * 37)
        good = good and many == GB_CT * 37 and s.decrypt_ecb(many) == KEY * 37
        yield "sm4", name, good, "GB/T 32907 Appendix A example 1 (1 and 37 blocks)"
        g = SM4GCM(KEY, _impl=name)
        good = g.encrypt(NONCE, PT, AAD) == GCM and g.decrypt(NONCE, GCM, AAD) == PT
        yield "sm4-gcm", name, good, "RFC 8998 Appendix A.1"
        c = SM4CCM(KEY, _impl=name)
        good = c.encrypt(NONCE, PT, AAD) == CCM and c.decrypt(NONCE, CCM, AAD) == PT
        yield "sm4-ccm", name, good, "RFC 8998 Appendix A.2"
