"""The iJw 3.2 code lists: which codes exist, with a short label in Dutch and English.

The schema enumerations are generated from these lists, the rules read them, and the
JSON translation can label codes with them. Labels are our own short wording; the
retourcodes (WJ001) have their full explanations in ``ijw_gateway.catalogue.retourcodes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

Label = tuple[str, str]  # (nl, en)

_COUNTRIES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
    "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
    "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
).split()

_RETOURCODES = (
    "0001 0200 0233 0611 8001 8017 8021 8187 8214 8848 9019 9056 9063 9069 9071 9074 9307 "
    "9308 9319 9321 9322 9326 9332 9333 9338 9339 9340 9341 9346 9347 9349 9350 9351 9355 "
    "9357 9359 9360 9361 9365 9366 9367 9369 9373 9374 9375 9379 9384 9385 9387 9388 9389 "
    "9390 9411 9412 9413 9414 9415 S300 S329"
).split()

_CATEGORIES: Mapping[str, Label] = {
    "31": ("(2015) zonder verblijf: wijk- of buurtteam", "(2015) no stay: neighbourhood team"),
    "32": ("(2015) zonder verblijf: ambulant bij aanbieder", "(2015) no stay: outpatient at provider"),
    "33": ("(2015) zonder verblijf: daghulp bij aanbieder", "(2015) no stay: day care at provider"),
    "34": ("(2015) zonder verblijf: in netwerk jeugdige", "(2015) no stay: in the young person's network"),
    "35": ("(2015) met verblijf: pleegzorg", "(2015) with stay: foster care"),
    "36": ("(2015) met verblijf: gezinsgericht", "(2015) with stay: family-oriented"),
    "37": ("(2015) met verblijf: gesloten plaatsing", "(2015) with stay: secure placement"),
    "38": ("(2015) met verblijf: overig residentieel", "(2015) with stay: other residential"),
    "40": ("persoonlijke verzorging", "personal care"),
    "41": ("dagbehandeling", "day treatment"),
    "42": ("vervoer", "transport"),
    "43": ("verblijf inclusief behandeling", "stay including treatment"),
    "44": ("verblijf zonder behandeling", "stay without treatment"),
    "45": ("ambulante jeugdhulp", "outpatient youth care"),
    "46": ("crisis", "crisis"),
    "47": ("jeugdreclassering", "juvenile probation"),
    "48": ("jeugdbescherming", "child protection"),
    "49": ("preventief justitieel kader", "preventive justice activities"),
    "50": ("maatwerkarrangement", "custom arrangement"),
    "51": ("generalistische basis-ggz", "general basic mental health care"),
    "52": ("specialistische ggz", "specialised mental health care"),
    "53": ("kindergeneeskunde", "paediatrics"),
    "54": ("jeugd-ggz", "youth mental health care"),
    "55": ("landelijk ingekochte zorg (LTA)", "nationally purchased care (LTA)"),
}

_LISTS: Mapping[str, Mapping[str, Label]] = {
    "COD002-VEKT": {
        "436": ("Toewijzing", "allocation"),
        "437": ("Toewijzing retour", "allocation return"),
        "438": ("Start zorg", "start of care"),
        "439": ("Start zorg retour", "start of care return"),
        "440": ("Stop zorg", "end of care"),
        "441": ("Stop zorg retour", "end of care return"),
        "446": ("Verzoek om toewijzing", "request for allocation"),
        "447": ("Verzoek om toewijzing retour", "request for allocation return"),
        "486": ("Verzoek om wijziging", "request for change"),
        "487": ("Verzoek om wijziging retour", "request for change return"),
        "488": ("Antwoordbericht", "answer"),
        "489": ("Antwoordbericht retour", "answer return"),
        "490": ("Declaratie", "declaration"),
        "491": ("Declaratie-antwoord", "declaration answer"),
    },
    "COD043": {"C": ("credit", "credit"), "D": ("debet", "debit")},
    "COD046": {"0": ("onbekend", "unknown"), "1": ("man", "male"), "2": ("vrouw", "female")},
    "COD170": {
        "1": ("alleen dag onbekend", "day unknown"),
        "2": ("dag en maand onbekend", "day and month unknown"),
        "3": ("datum geheel onbekend", "date unknown"),
    },
    "COD260": {"1": ("ja", "yes"), "2": ("nee", "no")},
    "COD327": {
        "01": ("gemeente", "municipality"),
        "02": ("huisarts", "general practitioner"),
        "03": ("jeugdarts", "youth doctor"),
        "04": ("gecertificeerde instelling", "certified institution"),
        "05": ("medisch specialist", "medical specialist"),
        "06": ("zelfverwijzer of geen verwijzer", "self-referral or none"),
        "08": ("rechter, OvJ of justitiële jeugdinrichting", "court, prosecutor or youth custody"),
    },
    "COD467": {
        "1": ("eerste aanlevering", "first delivery"),
        "2": ("gewijzigde aanlevering", "changed delivery"),
        "3": ("aanlevering verwijderen", "delete a delivery"),
        "9": ("ongewijzigd, niet van toepassing", "unchanged, not applicable"),
    },
    "COD472": {
        "03": ("curator", "legal guardian (curator)"),
        "04": ("financieel gemachtigde", "financial proxy"),
        "05": ("financiële toetsing", "financial assessment"),
        "06": ("leefeenheid", "household"),
        "07": ("hulpverlener", "care worker"),
        "08": ("specialist", "specialist"),
        "09": ("anders", "other"),
        "10": ("ouder", "parent"),
        "11": ("voogd", "guardian"),
        "12": ("partner of echtgeno(o)t(e)", "partner or spouse"),
        "13": ("pleegouder", "foster parent"),
        "14": ("bewindvoerder", "administrator"),
        "15": ("mentor", "mentor"),
        "16": ("zoon of dochter", "son or daughter"),
        "17": ("familielid", "relative"),
        "18": ("gezinslid", "family member"),
        "19": ("buur", "neighbour"),
        "20": ("vriend of kennis", "friend or acquaintance"),
        "21": ("cliëntondersteuner", "client supporter"),
        "22": ("huisarts", "general practitioner"),
        "23": ("erven", "heirs"),
        "24": ("werkgever", "employer"),
        "25": ("wijkcoach", "neighbourhood coach"),
    },
    "COD700": {
        "1": ("eigen naam", "own name"),
        "2": ("naam partner", "partner's name"),
        "3": ("naam partner, dan eigen naam", "partner's name, then own name"),
        "4": ("eigen naam, dan naam partner", "own name, then partner's name"),
        "5": ("pseudoniem", "pseudonym"),
        "6": ("geen natuurlijk persoon", "not a natural person"),
    },
    "COD747": {
        "1": ("tolk voor een taal", "language interpreter"),
        "2": ("doventolk", "sign-language interpreter"),
        "3": ("doofblindentolk", "deafblind interpreter"),
    },
    "COD757": {
        "01": ("BRP-adres", "registered (BRP) address"),
        "02": ("correspondentieadres", "correspondence address"),
        "03": ("verblijfadres", "residence address"),
        "04": ("tijdelijk adres", "temporary address"),
    },
    "JZ002": {
        "01": ("administratieve correctie (vervallen code)", "administrative correction (withdrawn)"),
        "02": ("cliënt overleden", "client deceased"),
        "03": ("contract gewijzigd", "contract changed"),
        "04": ("herbeoordeling: verlenging", "reassessment: extension"),
        "05": ("herbeoordeling: verkorting", "reassessment: shortening"),
        "06": ("uitstroom naar ander domein", "moved to another domain"),
        "07": ("verhuisd naar andere gemeente", "moved to another municipality"),
        "08": ("leveringsvorm gewijzigd", "form of delivery changed"),
        "09": ("overstap naar andere aanbieder", "switched provider"),
        "10": ("nieuwe bekostigingssystematiek", "new funding system"),
        "11": ("gemeentelijke herindeling", "municipal merger"),
        "12": ("op initiatief van de aanbieder", "initiated by the provider"),
        "13": ("verwijderd", "deleted"),
        "14": ("administratieve correctie", "administrative correction"),
    },
    "JZ020": _CATEGORIES,
    "JZ588": {
        "02": ("overlijden", "death"),
        "20": ("levering tijdelijk beëindigd", "delivery temporarily stopped"),
        "31": ("volgens plan beëindigd", "ended as planned"),
        "32": ("voortijdig beëindigd door cliënt", "ended early by the client"),
        "33": ("voortijdig beëindigd door aanbieder", "ended early by the provider"),
        "34": ("voortijdig beëindigd in overleg", "ended early by agreement"),
        "35": ("voortijdig beëindigd, externe oorzaak", "ended early, external cause"),
        "36": ("op initiatief van de gemeente", "initiated by the municipality"),
        "37": ("vanwege een wijzigingsverzoek", "because of a request for change"),
        "38": ("overstap naar andere aanbieder", "switched provider"),
        "39": ("uitstroom naar ander domein", "moved to another domain"),
    },
    "NUM061": {
        "AB": ("aan boord", "on board"),
        "BY": ("bij", "near"),
        "TO": ("tegenover", "opposite"),
        "WW": ("woonwagen", "caravan"),
    },
    "WJ001": {code: (code, code) for code in _RETOURCODES},
    "WJ003": {
        "06": ("voogdij", "guardianship"),
        "07": ("bewindvoering", "administration of assets"),
        "08": ("mentorschap", "mentorship"),
        "09": ("curatele", "legal incapacity (curatele)"),
        "10": ("zaakwaarneming", "management without mandate"),
    },
    "WJ232": {
        "01": ("rechterlijke machtiging (voorlopig of voortgezet)", "court authorisation"),
        "02": ("rechterlijke machtiging op eigen verzoek", "court authorisation on own request"),
        "03": ("machtiging met voorwaardelijk ontslag", "authorisation with conditional discharge"),
        "04": ("ondertoezichtstelling (OTS)", "supervision order (OTS)"),
        "05": ("inbewaringstelling (IBS)", "emergency detention (IBS)"),
        "11": ("strafrechtelijk: tbs", "criminal law: hospital order (tbs)"),
        "12": ("strafrechtelijk: overig", "criminal law: other"),
    },
    "WJ756": {
        "01": ("minuut", "minute"),
        "04": ("uur", "hour"),
        "14": ("etmaal", "24 hours"),
        "16": ("dagdeel (4 uur)", "part of day (4 hours)"),
        "82": ("stuks (output)", "pieces (output)"),
        "83": ("euro's", "euros"),
        "84": ("stuks (inspanning)", "pieces (effort)"),
    },
    "WJ758": {
        "1": ("situatie cliënt veranderd", "client's situation changed"),
        "2": ("zorgplan gewijzigd", "care plan changed"),
    },
    "WJ759": {
        "1": ("geen wijziging maar nieuwe aanvraag", "not a change but a new request"),
        "2": ("past niet in het budget", "does not fit the budget"),
        "3": ("geen contract", "no contract"),
        "4": ("past niet in het contract", "does not fit the contract"),
        "5": ("andere gemeente", "another municipality"),
        "6": ("stapeling", "stacking of care"),
        "7": ("zorginhoudelijk afgewezen", "rejected on care grounds"),
        "8": ("woonplaatsbeginsel", "residence principle"),
        "9": ("leeftijdsgrens bereikt", "age limit reached"),
    },
    "WJ760": {"1": ("verzoek afgewezen", "request rejected"), "2": ("in onderzoek", "under review")},
    "WMO757": {
        "1": ("per dag", "per day"),
        "2": ("per week", "per week"),
        "4": ("per maand", "per month"),
        "6": ("totaal binnen geldigheidsduur toewijzing", "total over the allocation's validity"),
    },
    "COD032": {code: (code, code) for code in _COUNTRIES},
}

LISTS: Mapping[str, Mapping[str, Label]] = MappingProxyType(
    {name: MappingProxyType(dict(codes)) for name, codes in _LISTS.items()}
)


def codes(list_name: str) -> list[str]:
    """The codes of a list in the order the standard enumerates them."""
    return list(LISTS[list_name])


def label(list_name: str, code: str, lang: str = "nl") -> str | None:
    """The short label of a code, or None when the code is not in the list."""
    entry = LISTS[list_name].get(code)
    if entry is None:
        return None
    return entry[0] if lang == "nl" else entry[1]
