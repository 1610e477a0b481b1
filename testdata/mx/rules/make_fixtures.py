#!/usr/bin/env python3
"""Writes the rule fixtures of testdata/mx/rules from base.pacs008.xml.tmpl.

Each fixture is the base message with textual edits; <rule>.pass.xml obeys the
rule, <rule>.fail.xml breaks it. Run from this directory; then regenerate the
golden reports with `go test ./rules/... -update`.
"""
import re

base = open("base.pacs008.xml.tmpl").read()

AGT = '<ChrgsInf><Amt Ccy="EUR">{}</Amt><Agt><FinInstnId><BICFI>BANKGB2LXXX</BICFI></FinInstnId></Agt></ChrgsInf>'


def edit(src, *pairs):
    for old, new in pairs:
        if old.startswith("re:"):
            src, n = re.subn(old[3:], new, src, count=1, flags=re.S)
        else:
            n = src.count(old)
            src = src.replace(old, new, 1)
        assert n >= 1, old
    return src


NOTTL = ('<TtlIntrBkSttlmAmt Ccy="EUR">1500.25</TtlIntrBkSttlmAmt>\n\t\t\t\t', '')
CHRG = '<ChrgBr>SHAR</ChrgBr>'
BEFORE_RMT = '<RmtInf>'

cases = {
    # iso20022
    "iso20022.amount.minor-units.pass": [('<InstdAmt Ccy="EUR">1500.25</InstdAmt>', '<InstdAmt Ccy="JPY">1500</InstdAmt>')],
    "iso20022.amount.minor-units.fail": [('<InstdAmt Ccy="EUR">1500.25</InstdAmt>', '<InstdAmt Ccy="JPY">1500.5</InstdAmt>')],
    "iso20022.currency.code.pass": [],
    "iso20022.currency.code.fail": [NOTTL, ('<IntrBkSttlmAmt Ccy="EUR">', '<IntrBkSttlmAmt Ccy="EUX">')],
    "iso20022.country.code.pass": [],
    "iso20022.country.code.fail": [('<Ctry>GB</Ctry>', '<Ctry>UK</Ctry>')],
    "iso20022.iban.pass": [],
    "iso20022.iban.fail": [('DE89370400440532013000', 'DE89370400440532013001')],
    "iso20022.bic.pass": [('re:(<CdtrAgt>\\s*<FinInstnId>\\s*<BICFI>)BANKDEFFXXX', '\\g<1>1BNKDEFF')],
    "iso20022.bic.fail": [('re:(<CdtrAgt>\\s*<FinInstnId>\\s*<BICFI>)BANKDEFFXXX', '\\g<1>BANKQQFFXXX')],
    "iso20022.nb-of-txs.pass": [],
    "iso20022.nb-of-txs.fail": [('<NbOfTxs>1</NbOfTxs>', '<NbOfTxs>2</NbOfTxs>')],
    "iso20022.ctrl-sum.pass": [('<NbOfTxs>1</NbOfTxs>', '<NbOfTxs>1</NbOfTxs>\n\t\t\t\t<CtrlSum>1500.250</CtrlSum>')],
    "iso20022.ctrl-sum.fail": [('<NbOfTxs>1</NbOfTxs>', '<NbOfTxs>1</NbOfTxs>\n\t\t\t\t<CtrlSum>1500.2</CtrlSum>')],
    "iso20022.total-settlement.pass": [],
    "iso20022.total-settlement.fail": [('<TtlIntrBkSttlmAmt Ccy="EUR">1500.25<', '<TtlIntrBkSttlmAmt Ccy="EUR">1500.26<')],
    "iso20022.external-code.pass": [(BEFORE_RMT, '<Purp><Cd>GDDS</Cd></Purp>\n\t\t\t\t<RmtInf>')],
    "iso20022.external-code.fail": [(BEFORE_RMT, '<Purp><Cd>ZZZQ</Cd></Purp>\n\t\t\t\t<RmtInf>')],
    # cbpr+
    "cbpr.bah.biz-msg-idr.pass": [],
    "cbpr.bah.biz-msg-idr.fail": [('<BizMsgIdr>SVTEST-0001<', '<BizMsgIdr>SVTEST-0002<')],
    "cbpr.bah.from-to.pass": [('<CreDt>', '<CpyDplct>COPY</CpyDplct>\n\t\t<CreDt>'), ('re:(<To>\\s*<FIId>\\s*<FinInstnId>\\s*<BICFI>)BANKDEFFXXX', '\\g<1>BANKFRPPXXX')],
    "cbpr.bah.from-to.fail": [('re:(<To>\\s*<FIId>\\s*<FinInstnId>\\s*<BICFI>)BANKDEFFXXX', '\\g<1>BANKFRPPXXX')],
    "cbpr.bah.priority.pass": [],
    "cbpr.bah.priority.fail": [('<Prty>NORM</Prty>', '<Prty>HIGH</Prty>')],
    "cbpr.single-transaction.pass": [],
    "cbpr.single-transaction.fail": [('<NbOfTxs>1</NbOfTxs>', '<NbOfTxs>2</NbOfTxs>')],
    "cbpr.uetr.pass": [],
    # A malformed UETR is the schema's (UUIDv4Identifier pattern); CBPR+ adds that it is mandatory.
    "cbpr.uetr.fail": [('re:\\s*<UETR>[^<]*</UETR>', '')],
    "cbpr.charset.fin-x.pass": [],
    "cbpr.charset.fin-x.fail": [('<EndToEndId>E2E-REF-0001<', '<EndToEndId>E2E_REF_0001<')],
    "cbpr.address.structured.pass": [],
    "cbpr.address.structured.fail": [('<AdrLine>Hauptstrasse 5</AdrLine>', '<AdrLine>Hauptstrasse 5</AdrLine>\n\t\t\t\t\t\t<AdrLine>Hinterhaus</AdrLine>\n\t\t\t\t\t\t<AdrLine>3. Stock</AdrLine>')],
    "cbpr.address.unstructured.pass": [],
    "cbpr.address.unstructured.fail": [('re:<PstlAdr>\\s*<StrtNm>High Street</StrtNm>.*?</PstlAdr>', '<PstlAdr>\n\t\t\t\t\t\t<AdrLine>1 High Street</AdrLine>\n\t\t\t\t\t\t<AdrLine>London EC1A 1AA</AdrLine>\n\t\t\t\t\t</PstlAdr>')],
    "cbpr.address.unstructured.sr2025": [('<CreDt>2026-11-27T10:00:00+00:00', '<CreDt>2026-06-01T10:00:00+02:00'), ('<BizSvc>swift.cbprplus.04<', '<BizSvc>swift.cbprplus.03<'), ('re:<PstlAdr>\\s*<StrtNm>High Street</StrtNm>.*?</PstlAdr>', '<PstlAdr>\n\t\t\t\t\t\t<AdrLine>1 High Street</AdrLine>\n\t\t\t\t\t\t<AdrLine>London EC1A 1AA</AdrLine>\n\t\t\t\t\t</PstlAdr>')],
    "cbpr.currency.commodity.pass": [],
    "cbpr.currency.commodity.fail": [NOTTL, ('<IntrBkSttlmAmt Ccy="EUR">1500.25<', '<IntrBkSttlmAmt Ccy="XAU">1500.25<')],
    "cbpr.charges.debt.pass": [(CHRG, '<ChrgBr>DEBT</ChrgBr>\n\t\t\t\t' + AGT.format("10"))],
    "cbpr.charges.debt.fail": [(CHRG, '<ChrgBr>DEBT</ChrgBr>\n\t\t\t\t' + AGT.format("10") + '\n\t\t\t\t' + AGT.format("5"))],
    "cbpr.charges.cred.pass": [(CHRG, '<ChrgBr>CRED</ChrgBr>\n\t\t\t\t' + AGT.format("0"))],
    "cbpr.charges.cred.fail": [(CHRG, '<ChrgBr>CRED</ChrgBr>')],
    "cbpr.instr-for-cdtr-agt.pass": [(BEFORE_RMT, '<InstrForCdtrAgt><Cd>PHOB</Cd></InstrForCdtrAgt>\n\t\t\t\t<InstrForCdtrAgt><Cd>HOLD</Cd></InstrForCdtrAgt>\n\t\t\t\t<RmtInf>')],
    "cbpr.instr-for-cdtr-agt.fail": [(BEFORE_RMT, '<InstrForCdtrAgt><Cd>CHQB</Cd></InstrForCdtrAgt>\n\t\t\t\t<InstrForCdtrAgt><Cd>HOLD</Cd></InstrForCdtrAgt>\n\t\t\t\t<RmtInf>')],
    "cbpr.remittance.exclusive.pass": [],
    "cbpr.remittance.exclusive.fail": [('<Ustrd>Invoice 2026-117</Ustrd>', '<Ustrd>Invoice 2026-117</Ustrd>\n\t\t\t\t\t<Strd><AddtlRmtInf>Invoice 2026-117</AddtlRmtInf></Strd>')],
    "cbpr.instr-id.slashes.pass": [('<InstrId>SVTEST-0001<', '<InstrId>SVTEST/0001<')],
    "cbpr.instr-id.slashes.fail": [('<InstrId>SVTEST-0001<', '<InstrId>SVTEST//0001<')],
}

STRD = "<Strd>" + "".join("<AddtlRmtInf>" + ("R%03d" % i) * 35 + "</AddtlRmtInf>" for i in range(3)) + "</Strd>"
cases.update({
    "cbpr.charges.bearer.pass": [],
    "cbpr.charges.bearer.fail": [(CHRG, '<ChrgBr>SLEV</ChrgBr>')],
    "cbpr.remittance.structured-length.pass": [('<Ustrd>Invoice 2026-117</Ustrd>', STRD * 21)],
    "cbpr.remittance.structured-length.fail": [('<Ustrd>Invoice 2026-117</Ustrd>', STRD * 22)],
})

base002 = open("base.pacs002.xml.tmpl").read()
REJECT = ('<TxSts>ACSC</TxSts>\n\t\t\t\t<FctvIntrBkSttlmDt>\n\t\t\t\t\t<Dt>2026-11-27</Dt>\n\t\t\t\t</FctvIntrBkSttlmDt>',
          '<TxSts>RJCT</TxSts>\n\t\t\t\t<StsRsnInf>\n\t\t\t\t\t<Rsn>\n\t\t\t\t\t\t<Cd>AC04</Cd>\n\t\t\t\t\t</Rsn>\n\t\t\t\t</StsRsnInf>')
cases002 = {
    "cbpr.status.reject-reason.pass": [REJECT],
    "cbpr.status.reject-reason.fail": [REJECT, ('<Rsn>\n\t\t\t\t\t\t<Cd>AC04</Cd>\n\t\t\t\t\t</Rsn>', '<AddtlInf>closed account</AddtlInf>')],
    "cbpr.status.reject-settlement-date.pass": [REJECT],
    "cbpr.status.reject-settlement-date.fail": [('<TxSts>ACSC</TxSts>', '<TxSts>RJCT</TxSts>'), ('</FctvIntrBkSttlmDt>', '</FctvIntrBkSttlmDt>')],
}
cases002["cbpr.status.reject-settlement-date.fail"] = [(
    '<TxSts>ACSC</TxSts>\n\t\t\t\t<FctvIntrBkSttlmDt>',
    '<TxSts>RJCT</TxSts>\n\t\t\t\t<StsRsnInf>\n\t\t\t\t\t<Rsn>\n\t\t\t\t\t\t<Cd>AC04</Cd>\n\t\t\t\t\t</Rsn>\n\t\t\t\t</StsRsnInf>\n\t\t\t\t<FctvIntrBkSttlmDt>')]

cases.update({
    "cbpr.settlement-method.pass": [('<SttlmMtd>INDA<', '<SttlmMtd>COVE<')],
    "cbpr.settlement-method.fail": [('<SttlmMtd>INDA<', '<SttlmMtd>CLRG<')],
    "cbpr.bah.biz-svc.pass": [('<BizSvc>swift.cbprplus.04<', '<BizSvc>swift.cbprplus.stp.04<')],
    "cbpr.bah.biz-svc.fail": [('<BizSvc>swift.cbprplus.04<', '<BizSvc>swift.cbprplus.cov.04<')],
    "cbpr.party.name-address.pass": [],
    "cbpr.party.name-address.fail": [('<Nm>Debtor Ltd</Nm>\n\t\t\t\t\t', '')],
    "cbpr.party.any-bic.pass": [('re:<Nm>Creditor GmbH &amp; Co</Nm>\\s*<PstlAdr>.*?</PstlAdr>', '<Id><OrgId><AnyBIC>CRDTDEFFXXX</AnyBIC></OrgId></Id>')],
    "cbpr.party.any-bic.fail": [('re:(<Cdtr>\\s*<Nm>Creditor GmbH &amp; Co</Nm>\\s*<PstlAdr>.*?</PstlAdr>)', '\\g<1>\n\t\t\t\t\t<Id><OrgId><AnyBIC>CRDTDEFFXXX</AnyBIC></OrgId></Id>')],
})
others = {
    "base.pacs009cov.xml.tmpl": {
        "cbpr.cov.underlying.pass": [],
        "cbpr.cov.underlying.fail": [('re:\\s*<UndrlygCstmrCdtTrf>.*?</UndrlygCstmrCdtTrf>', '')],
    },
    "base.camt054.xml.tmpl": {
        "cbpr.bah.copy-duplicate.pass": [],
        "cbpr.bah.copy-duplicate.fail": [('<CpyDplctInd>COPY</CpyDplctInd>', '<CpyDplctInd>DUPL</CpyDplctInd>')],
    },
}
CDTRAGT = ('re:(<CdtrAgt>\\s*<FinInstnId>\\s*)<BICFI>BANKDEFFXXX</BICFI>', '\\g<1><ClrSysMmbId><ClrSysId><Cd>DEBLZ</Cd></ClrSysId><MmbId>10070000</MmbId></ClrSysMmbId>\n\t\t\t\t\t\t<Nm>Bank Berlin AG</Nm>')
cases.update({
    # SR2026: an agent without BIC has a name and a postal address.
    "cbpr.agent.identification.pass": [(CDTRAGT[0], CDTRAGT[1] + '\n\t\t\t\t\t\t<PstlAdr><TwnNm>Berlin</TwnNm><Ctry>DE</Ctry></PstlAdr>')],
    "cbpr.agent.identification.fail": [CDTRAGT],
})
ADV = [('<BizSvc>swift.cbprplus.cov.04<', '<BizSvc>swift.cbprplus.adv.04<'), ('re:\\s*<UndrlygCstmrCdtTrf>.*?</UndrlygCstmrCdtTrf>', '')]
others["base.pacs009cov.xml.tmpl"].update({
    "cbpr.adv.settlement.pass": ADV + [('<SttlmMtd>INDA<', '<SttlmMtd>COVE<')],
    "cbpr.adv.settlement.fail": ADV,
})
CXLRSN = '<Rsn>\n\t\t\t\t\t\t\t<Cd>DUPL</Cd>\n\t\t\t\t\t\t</Rsn>'
others["base.camt056.xml.tmpl"] = {
    "cbpr.cancellation.uetr.pass": [],
    "cbpr.cancellation.uetr.fail": [('re:\\s*<OrgnlUETR>[^<]*</OrgnlUETR>', '')],
    "cbpr.cancellation.original-refs.pass": [],
    "cbpr.cancellation.original-refs.fail": [('re:\\s*<OrgnlIntrBkSttlmDt>[^<]*</OrgnlIntrBkSttlmDt>', '')],
    "cbpr.cancellation.id-slashes.pass": [('<CxlId>SVCXL-0001<', '<CxlId>SVCXL/0001<')],
    "cbpr.cancellation.id-slashes.fail": [('<CxlId>SVCXL-0001<', '<CxlId>SVCXL//0001<')],
    "cbpr.cancellation.reason-code.pass": [('<Cd>DUPL</Cd>', '<Cd>CUST</Cd>')],
    # ECAG is an ISO code (ExternalCancellationReason1Code) that CBPR+ does not use.
    "cbpr.cancellation.reason-code.fail": [('<Cd>DUPL</Cd>', '<Cd>ECAG</Cd>')],
    "cbpr.cancellation.narrative.pass": [(CXLRSN, CXLRSN.replace('DUPL', 'NARR') + '\n\t\t\t\t\t\t<AddtlInf>CUSTOMER REQUEST</AddtlInf>')],
    "cbpr.cancellation.narrative.fail": [('<Cd>DUPL</Cd>', '<Cd>NARR</Cd>')],
}
RSN = '<Rsn>\n\t\t\t\t\t\t\t<Cd>NOAS</Cd>\n\t\t\t\t\t\t</Rsn>'
UETR_INFO = '<AddtlInf>/UETR/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d</AddtlInf>'
others["base.camt029.xml.tmpl"] = {
    "cbpr.cancellation.case.pass": [],
    "cbpr.cancellation.case.fail": [('re:\\s*<RslvdCase>.*?</RslvdCase>', '')],
    "cbpr.resolution.status.pass": [('<Conf>RJCR</Conf>', '<Conf>CNCL</Conf>')],
    # CWFW (cancellation will follow) is an ISO confirmation code CBPR+ does not use.
    "cbpr.resolution.status.fail": [('<Conf>RJCR</Conf>', '<Conf>CWFW</Conf>')],
    "cbpr.resolution.reject-reason.pass": [],
    "cbpr.resolution.reject-reason.fail": [('re:\\s*<Rsn>\\s*<Cd>NOAS</Cd>\\s*</Rsn>', '')],
    "cbpr.resolution.reason-information.pass": [('<Cd>NOAS</Cd>', '<Cd>ARDT</Cd>'), ('<AddtlInf>NO ANSWER FROM BENEFICIARY</AddtlInf>', UETR_INFO)],
    "cbpr.resolution.reason-information.fail": [('<Cd>NOAS</Cd>', '<Cd>ARDT</Cd>'), ('re:\\s*<AddtlInf>NO ANSWER FROM BENEFICIARY</AddtlInf>', '')],
}
for tmpl, cs in others.items():
    b = open(tmpl).read()
    for name, pairs in cs.items():
        with open(name + ".xml", "w") as f:
            f.write(edit(b, *pairs))

base001 = open("base.pain001.xml.tmpl").read()
cases001 = {
    "iso20022.pain001.pass": [],
    "iso20022.pain001.nb-of-txs.fail": [('<NbOfTxs>1</NbOfTxs>', '<NbOfTxs>2</NbOfTxs>')],
    "iso20022.pain001.ctrl-sum.fail": [('<CtrlSum>300.50</CtrlSum>', '<CtrlSum>300.49</CtrlSum>')],
}
for name, pairs in cases001.items():
    with open(name + ".xml", "w") as f:
        f.write(edit(base001, *pairs))
for name, pairs in cases.items():
    with open(name + ".xml", "w") as f:
        f.write(edit(base, *pairs))
for name, pairs in cases002.items():
    with open(name + ".xml", "w") as f:
        f.write(edit(base002, *pairs))
print(len(cases) + len(cases002), "fixtures")
