"""`python -m ccfast speed mask`: scan and redact of a synthetic call-center transcript (mixed
Chinese and English, numbers in ASCII, full-width and Chinese numerals), and tokenizing one
card, ID and phone number (FF1 on SM4)."""
import random

from .speed import Row

_LINES = ["客户: 我的卡号是 6222 0200 1234 5671，谢谢。", "Agent: may I have your phone number please?",
          "客户: 幺三八 幺二三四 五六七八，邮箱 zhang.san@example.com", "坐席: 好的，您的订单号是 ORD20240101001。",
          "客户: 身份证 11010519491231002X。", "Agent: your balance is 1,234.56 yuan, anything else?",
          "坐席: 我们会在三个工作日内处理，请您留意短信通知。"]


def rows(measure):
    from ..mask import Tokenizer, redact, scan
    rng = random.Random(1)
    text = "\n".join(rng.choice(_LINES) for _ in range(20000))
    size = len(text.encode())
    yield Row(f"mask scan {size // 1000} kB transcript", measure(lambda: scan(text), size))
    yield Row(f"mask redact {size // 1000} kB transcript", measure(lambda: redact(text), size))
    tk = Tokenizer(bytes(range(16)))
    for kind, value in (("card", "6222 0200 1234 5671"), ("id_cn", "11010519491231002X"), ("phone_cn", "13812345678")):
        fn = getattr(tk, kind)
        yield Row(f"mask Tokenizer.{kind} (SM4)", measure(lambda fn=fn, value=value: fn(value), 0), unit="op")
