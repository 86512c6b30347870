"""Synthetic call-center transcripts for the mask tests and benchmarks: Chinese and English
lines with card numbers, resident ID numbers, mobile numbers and e-mail addresses written the
ways speech recognisers and agents write them (separators, full-width digits, Chinese numerals
including 幺 and 两-free readings, +86), and near misses (failed checksums, decimals, order
numbers, amounts).  Deterministic for a seed."""
import datetime
import random

CN = "〇一二三四五六七八九"
FULL = "０１２３４５６７８９"
ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
REGIONS = ["110101", "110105", "310104", "440305", "510107", "330106", "320102", "420111", "650102", "810000"]
BINS = ["622202", "621700", "622848", "436742", "400000", "510000", "622588", "625965", "356833", "601100"]


def luhn_digit(body):
    total = 0
    for i, c in enumerate(reversed(body)):
        v = int(c)
        if i % 2 == 0:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return str((10 - total % 10) % 10)


def card(rng, length=None):
    n = length or rng.choice([16, 16, 16, 19, 15, 12, 13, 18])
    body = rng.choice(BINS)[: max(1, min(6, n - 7))]
    body += "".join(rng.choice("0123456789") for _ in range(n - 1 - len(body)))
    return body + luhn_digit(body)


def id_cn(rng):
    day = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 30000))
    body = rng.choice(REGIONS) + day.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    check = (12 - sum(int(a) * b for a, b in zip(body, ID_W)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


def phone(rng):
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def email(rng):
    user = rng.choice(["zhang.san", "li_si", "wang5", "service", "a.b-c", "13912345678", "cs+vip"])
    dom = rng.choice(["example.com", "mail.example.cn", "163.com", "qq.com", "corp.example.com.cn"])
    return f"{user}@{dom}"


def spell(rng, digits):
    """digits written as ASCII, full-width or Chinese numerals, with or without separators."""
    style = rng.random()
    if style < 0.55:
        out = digits
    elif style < 0.7:
        out = "".join(FULL[int(c)] if c.isdigit() else c for c in digits)
    else:                                   # one reading of 0 and of 1 per number, as a speaker keeps
        zero, one = rng.choice("〇零"), rng.choice("一幺")
        out = "".join((zero if c == "0" else one if c == "1" else CN[int(c)]) if c.isdigit() else c for c in digits)
    r = rng.random()
    if r < 0.25 and len(out) >= 11:
        sep = rng.choice([" ", "-", " "])
        cut = [3, 7] if len(digits) == 11 else list(range(4, len(digits), 4))
        parts, prev = [], 0
        for c in cut + [len(out)]:
            parts.append(out[prev:c])
            prev = c
        out = sep.join(p for p in parts if p)
    elif r < 0.3:
        out = " ".join(out)                 # one character at a time, as some recognisers do
    return out


def near_miss(rng):
    k = rng.random()
    if k < 0.3:
        c = card(rng)
        return c[:-1] + str((int(c[-1]) + rng.randrange(1, 10)) % 10)      # Luhn fails
    if k < 0.5:
        i = id_cn(rng)
        return i[:-1] + ("0" if i[-1] != "0" else "1")                       # check fails
    if k < 0.7:
        return f"{rng.randrange(10 ** 11, 10 ** 13)}.{rng.randrange(100):02d}"  # an amount
    if k < 0.85:
        return "ORD" + "".join(rng.choice("0123456789") for _ in range(14))   # an order number
    return "".join(rng.choice("0123456789") for _ in range(rng.choice([8, 10, 20])))


ZH = ["您好，这里是客服中心，请问有什么可以帮您？", "我想查一下我的账单", "请您提供一下卡号", "好的，我的卡号是",
      "请问您的身份证号码是多少", "我的手机号是", "邮箱是", "稍等一下，我帮您查询", "一共三百二十元", "谢谢，再见",
      "您的订单号是", "我们会在三个工作日内处理", "还有其他问题吗", "没有了，谢谢"]
EN = ["Hello, thank you for calling customer service.", "Can I have your card number please?", "Sure, it is",
      "My phone number is", "Please send the invoice to", "The order number is", "Your balance is 1,234.56 yuan.",
      "Let me check that for you.", "Is there anything else?", "Thank you, goodbye."]


def transcript(rng, n_lines):
    """Lines of agent/customer speech; about one line in four carries a number or address."""
    out = []
    for k in range(n_lines):
        who = "坐席" if k % 2 == 0 else "客户"
        zh = rng.random() < 0.6
        line = rng.choice(ZH if zh else EN)
        r = rng.random()
        if r < 0.08:
            line += spell(rng, card(rng))
        elif r < 0.13:
            line += spell(rng, id_cn(rng))
        elif r < 0.2:
            p = phone(rng)
            line += rng.choice(["", "", "+86 ", "+86", "0086"]) + spell(rng, p)
        elif r < 0.24:
            line += " " + email(rng) + "."
        elif r < 0.32:
            line += near_miss(rng)
        out.append(f"[{k // 60:02d}:{k % 60:02d}] {who}: {line}")
    return "\n".join(out) + "\n"
