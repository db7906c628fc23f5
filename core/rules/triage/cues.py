"""The cues: regular expressions over the cleaned words, each naming what it signals
(a red flag, sharp pain, a joint, the lower back, a pump, ordinary soreness). Data, read
by `classify`; a new cue goes here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from core.rules.triage.kinds import RedFlag


class Cat(Enum):
    RED = "red"
    SHARP = "sharp"
    JOINT = "joint"
    LB_PART = "lb-part"
    BACK_BARE = "back-bare"
    LB_LIFT = "lb-lift"
    CHRONIC = "chronic"
    PUMP = "pump"
    DOMS = "doms"


@dataclass(frozen=True)
class Cue:
    cat: Cat
    pattern: re.Pattern[str]
    flag: str | None = None
    # Also ignore the cue when its last word is negated ("knees don't lock"); off for cues
    # that spell a negation themselves ("doesn't straighten", "no control of my bladder").
    check_end: bool = True


def _gap(n: int, *, through_and: bool = False) -> str:
    """Up to n words in between, never across a clause break or a "but" (nor an "and",
    unless through_and)."""
    stop = r"but\b" if through_and else r"but\b|and\b"
    return rf"(?: (?!{stop})[a-z0-9]+){{0,{n}}}?"


def _either_way(a: str, gap: str, b: str) -> str:
    """`a` then `b`, or `b` then `a`, with `gap` between: "chest tight and dizzy", "dizzy,
    chest tight"."""
    return f"(?:{a}{gap} {b}|{b}{gap} {a})"


# Body parts where numbness can be felt, and limbs a radiating pain can travel down.
_LIMB_ANY = (
    r"(?:legs?|arms?|hands?|fingers?|feet|foot|toes?|calf|calves|thighs?|shins?|butt|"
    r"buttocks?|glutes?|hamstrings|knees?|elbows?|wrists?|ankles?|forearms?|heels?|face|"
    r"lips?|groin|saddle|side)"
)
_LIMB = (
    r"(?:legs?|arms?|hands?|fingers?|feet|foot|toes?|calf|calves|thighs?|shins?|butt|"
    r"buttocks?|glutes?|hamstrings|forearms?)"
)
_JOINT_WORD = r"(?:knees?|kneecaps?|elbows?|wrists?|ankles?|hips?|shoulders?|joints?|fingers?)"
_MUSCLE = (
    r"(?:quads|hamstrings|glutes|calves|chest|lats|traps|delts|biceps|triceps|abs|core|"
    r"forearms|legs?|arms?|shoulders|thighs?|butt|muscles?|neck|obliques|upper back|"
    r"mid back|rhomboids|whole body|body|everything)"
)
_TEARABLE = (
    r"(?:pecs?|chest|biceps?|triceps?|hamstrings?|quads?|calf|calves|achilles|tendons?|lats?|"
    r"groin|adductors?|muscles?)\b"
)
_PAIN = (
    r"(?:pain|painful|hurts?|hurting|aches?|aching|achy|sore|soreness|killing|"
    r"throbbing|throbs|tender|stiff)"
)
_JOINT_PAIN = r"(?:pain|painful|hurts?|hurting|aches?|aching|achy|throbbing|throbs)"
# A body part followed by "is fine", "doesn't hurt", "not sore" ... is not the complaint.
_FINE = (
    r"(?! (?:[a-z0-9]+ ){0,2}?(?:fine|ok|okay|good|great|alright|healthy|perfect|doesnt|dont|"
    r"isnt|arent|wasnt|not)\b)"
)
_INTENSE = (
    r"(?:extreme|extremely|massive|massively|huge|hugely|severe|severely|crazy|crazily|"
    r"insane|insanely|super|really|very|so|badly|ridiculously|hella|seriously|way)"
)
_URINE_COLOUR = (
    r"(?:dark|darker|brown|brownish|cola|coke|pepsi|coffee|whiske?y|black|red|reddish|bloody"
    r"|blood|tea|rust)"
)
# Urine by name. "wee" only where it cannot be the Scottish "small" ("a wee bit red"):
# "wees"/"weeing" always; a bare "wee" right before a verb ("my wee is ...", "wee looks
# ...") or after a colour ("dark wee"), never after "a" nor before "bit", "little" ...
_URINE = r"(?:urine|peed|pissed|pissing|wees|weeing)"
_WEE_SMALL = r"(?<!\ba )wee(?! (?:bit|bits|bitty|little|tiny|while|one|ones|thing)\b)"
_WEE_SAYS = (
    r"wee(?: (?:this morning|this evening|today|tonight|still|now|earlier))?"
    r" (?:is|was|were|looks?|looked|looking|came|comes|coming|has|had|went|turned|turns"
    r"|seems?|seemed|appears?|appeared|colou?r)\b"
)

_NEGATOR = r"(?:no|not|never|isnt|wasnt|arent|doesnt|dont|didnt|without)\b"
# The cardiac warning pattern. A chest complaint on its own is usually the pecs after
# pressing; with dizziness, a racing heart, breathlessness, jaw or left-arm pain, or
# during cardio (which does not load the pecs), it is a possible heart problem.
_CHEST_SYMPTOM = (
    r"(?:\bchest(?: (?!but\b|and\b|" + _NEGATOR + r")[a-z0-9]+){0,3}? (?:pain|painful|hurts?|"
    r"hurting|aches?|aching|tight|tightness|pressure|heavy|heaviness|squeez\w*|crush\w*|"
    r"burning|sore|killing|throbbing)\b"
    r"|\b(?:pain|pressure|tightness|tight|ache|aching|heaviness|squeezing|burning)"
    r" (?:in|on|across) (?:my|the) chest\b|\b(?:tight|sore|aching|achy|painful|heavy) chest\b)"
)
_CARDIAC_COMPANION = (
    r"(?:\bdizz\w*|\blight ?headed\w*|\bfaint(?:ed|ing|ness)\b"
    r"|\b(?:felt|feel|feels|feeling|nearly|almost|gonna|going to|about to) faint\b"
    r"|\bwoozy\b|\bnause\w*|\bcold sweats?\b"
    r"|\bclammy\b|\bpalpitat\w*|\bracing heart\b|\b(?:heart|pulse)(?: \w+){0,2}? (?:racing|"
    r"races|raced|pounding|pounded|fluttering|flutters|skipping|skipped|skips|irregular)\b"
    r"|\bbreathless\w*|\bshort(?:ness)? of breath\b|\bout of breath\b|\bgasping\b"
    r"|\b(?:cant|couldnt) (?:catch my |get my )?breath\w*|\bjaw\b|\bleft arm\b)"
)
# Up to n words or commas, through "and" but not "but".
_SPAN = r"(?: (?!but\b|though\b|although\b)(?:[a-z0-9]+|,)){0,10}?"
_CARDIO = (
    r"(?:cardio|running|jogging|jog|run|runs|treadmill|sprints?|sprinting|hiit|spin|spinning|"
    r"cycling|bike|elliptical|stairmaster|stair climber|conditioning|intervals|a race)"
)


def _cue(cat: Cat, pattern: str, flag: str | None = None, *, check_end: bool = True) -> Cue:
    return Cue(cat, re.compile(pattern), flag, check_end)


CUES: tuple[Cue, ...] = (
    # ----- red flags
    _cue(
        Cat.RED,
        r"\b(?:numb|numbness|numbed|numbing|tingl\w*|pins and needles|pins n needles)\b",
        RedFlag.NUMBNESS,
    ),
    _cue(
        Cat.RED,
        r"\b(?:cant|couldnt|lost|lost all|losing|loss of|no)(?: really| even)? feel(?:ing)?"
        r"(?: (?:in|anything in))?(?: my| the)?(?: \w+)? " + _LIMB_ANY + r"\b",
        RedFlag.NUMBNESS,
        check_end=False,
    ),
    _cue(
        Cat.RED,
        r"\b" + _LIMB_ANY + _gap(2) + r" (?:keeps |kept )?(?:going|goes|went|falling|falls|"
        r"fell|feels|is) asleep\b|\b"
        + _LIMB_ANY
        + _gap(2)
        + r" (?:going|goes|went|gone|has gone|feels)(?: kinda| kind of| a bit| totally)? dead\b",
        RedFlag.NUMBNESS,
    ),
    _cue(
        Cat.RED,
        r"\b(?:shoot\w*|shot|radiat\w*|travel\w*|spread\w*|zaps?|zapping|zings?|zinging|shocks?|"
        r"electric\w*)"
        + _gap(8)  # "shootin pain from my butt all the way down the back of my leg"
        + r" (?:down|into|through|along)"
        + _gap(5)
        + r" "
        + _LIMB
        + r"\b",
        RedFlag.RADIATING,
    ),
    _cue(
        Cat.RED,
        r"\b(?:pain|ache|aching|numbness|tingling|burning)(?: \w+)? (?:goes|going|gone|runs|"
        r"running|moves|moving|went|ran)(?: all the way| right| straight)? (?:down|into)"
        + _gap(4)
        + r" "
        + _LIMB
        + r"\b"
        r"|\b(?:pain|ache|aching) (?:down|into) (?:my|the|both|one) " + _LIMB + r"\b"
        # "burning down my arm into my fingers": a burn that reaches the hand or foot is
        # a nerve, not the working muscle.
        r"|\b(?:burn|burns|burning)"
        + _gap(3)
        + r" (?:down|along)"
        + _gap(4)
        + r" "
        + _LIMB
        + _gap(3)
        + r" (?:into|to|through|in)(?: my| the| both)? (?:fingers?|hands?|toes?|feet|foot)\b",
        RedFlag.RADIATING,
    ),
    _cue(Cat.RED, r"\bsciatic\w*\b", RedFlag.RADIATING),
    _cue(
        Cat.RED,
        r"\b" + _URINE_COLOUR + _gap(3) + r" (?:" + _URINE + r"|" + _WEE_SMALL + r")\b"
        r"|\b(?:"
        + _URINE
        + r"|"
        + _WEE_SAYS
        + r")(?: [a-z0-9]+){0,6}? "
        + _URINE_COLOUR
        + r"\b|\brhabdo\w*\b",
        RedFlag.DARK_URINE,
    ),
    _cue(
        Cat.RED,
        r"\b" + _INTENSE + r"(?: \w+)? (?:swollen|swelling|swelled|puffy|puffed up)\b"
        r"|\b(?:swollen|swelled|swelling|blown|blew|puffed)(?: up)? like (?:a )?balloons?\b"
        r"|\bballoon(?:ed|ing)\b|\btwice (?:the|its|their) (?:normal )?size\b",
        RedFlag.SWELLING,
    ),
    _cue(
        Cat.RED,
        r"\b(?:cant|couldnt|wont|unable to|not able to|doesnt|dont|will not|wouldnt|no longer)"
        r"(?: \w+){0,2}? (?:straighten|extend|unbend)\b|\bstuck (?:bent|in a bent)\b",
        RedFlag.SWELLING,
        check_end=False,
    ),
    _cue(
        Cat.RED,
        r"\bchest (?:pains?|tightness|pressure)\b|\b(?:pain|pains|pressure|tightness|tight)"
        r" (?:in|on|across) (?:my|the) chest\b|\bchest(?: \w+)? (?:feels|felt|is|was|got)"
        r" (?:tight|heavy|crushed|crushing)\b|\btight chest\b"
        r"|\bcrushing (?:pain|pressure|feeling)\b",
        RedFlag.CHEST,
    ),
    _cue(
        Cat.RED,
        # A chest complaint with dizziness, a racing heart, breathlessness, jaw or left-arm
        # pain, said either way round.
        _either_way(_CHEST_SYMPTOM, _SPAN, _CARDIAC_COMPANION),
        RedFlag.CHEST,
    ),
    _cue(
        Cat.RED,
        # The left arm and the jaw aching together.
        _either_way(
            r"\b" + _either_way(r"(?:left )?arm", _gap(3, through_and=True), r"jaw") + r"\b",
            _gap(4),
            r"\b" + _PAIN + r"\b",
        ),
        RedFlag.CHEST,
    ),
    _cue(
        Cat.RED,
        # A chest complaint during or after cardio, which does not work the pecs.
        _CHEST_SYMPTOM + _gap(6) + r" (?:during|while|on|in|after|from|doing|when i)"
        r"(?: (?!and\b|but\b)[a-z0-9]+){0,2}? " + _CARDIO + r"\b"
        r"|\b(?:during|while|on|in|after|doing) (?:[a-z0-9]+ ){0,2}?"
        + _CARDIO
        + _gap(6)
        + r"(?: and(?: then| now)?(?: my| the| i| got| had| felt)?)? "
        + _CHEST_SYMPTOM,
        RedFlag.CHEST,
    ),
    # Breathing trouble on its own; gasping alone is what a hard set does (it counts
    # beside a chest complaint, above).
    _cue(
        Cat.RED,
        r"\b(?:breathless\w*|short(?:ness)? of breath|cant (?:catch my |get my )?breath\w*|"
        r"(?:hard|difficult|struggling|struggle|trouble|difficulty|cant|couldnt) (?:to )?"
        r"breath\w*)\b",
        RedFlag.CHEST,
    ),
    _cue(
        Cat.RED,
        r"\b(?:lost|lose|losing|loss of|no|cant|couldnt) (?:\w+ )?control"
        r"(?: of| over)?(?: my)? (?:bladder|bowels?|urine|poop)\b"
        r"|\b(?:lost|lose|losing|loss of|no)(?: my)? (?:bladder|bowels?) control\b"
        r"|\b(?:bladder|bowels?)(?: \w+){0,3} (?:control|accident)\b"
        r"|\b(?:trouble|problems?|difficulty|struggl\w*|a hard time|cant|couldnt|unable to) "
        r"(?:\w+ )?controll?ing(?: my| the)? (?:bladder|bowels?|pee|urine)\b"
        r"|\b(?:cant|couldnt|unable to|trouble|struggl\w*) control\w* (?:when|how|if) i "
        r"(?:need to |have to )?(?:pee|poo|wee|urine)\b"
        r"|\b(?:cant|couldnt|unable to|trouble|struggl\w*) (?:to )?hold(?: it| in)?(?: my)? "
        r"(?:bladder|bowels?|pee|urine|poo)\b"
        r"|\bincontinen\w*\b|\b(?:wet|peed|pissed|pooped|shat|soiled) (?:myself|my pants)\b"
        r"|\bleak\w*(?: \w+){0,3} without (?:feeling|noticing)\b",
        RedFlag.BLADDER_BOWEL,
        check_end=False,
    ),
    _cue(
        Cat.RED,
        r"\b"
        + _JOINT_WORD
        + _gap(6, through_and=True)
        + r" (?:keeps |kept |sometimes |just )?(?:locks?(?! out)|locked(?! out)|locking(?! out)"
        r"|lock up|gives? (?:way|out)|gave (?:way|out)|giving (?:way|out)|buckl\w*"
        r"|pops? out|popped out|slips? out|slipped out|catches|catching)\b"
        r"|\blegs?" + _gap(3) + r" (?:keeps |kept )?(?:gives? way|gave way|giving way|buckl\w*)\b"
        r"|\bdislocat\w*\b",
        RedFlag.JOINT_GIVES_WAY,
    ),
    # ----- warning pain
    _cue(
        Cat.SHARP,
        # "hips shooting up out of the hole" is a squat fault, not a pain.
        r"\b(?:sharp\w*|stabb\w*|(?:shooting|shoots)(?! up)|shot through|pinch\w*|sudden\w*|"
        r"knife|knives|"
        r"piercing|twinge\w*|jolt\w*|zings?|zinged|searing|tweak\w*|electric\w*|tear|tore|"
        r"torn|strained|snap|snapped|snapping|yanked|spasms?|spasming)\b",
    ),
    _cue(
        Cat.SHARP,
        r"\b(?:felt|heard|feel|got) (?:a |some |something )?(?:pop|popped|snap|click|rip|"
        r"ripping)\b|\bsomething (?:went|popped|snapped|gave|shifted|moved|tore|ripped)\b"
        r"|\bpulled (?:a|my) (?:\w+ )?(?:muscle|hamstrings|groin|calf|calves|back|quads|lats|"
        r"chest|traps|neck|oblique|biceps|triceps)\b"
        r"|\b(?:threw|thrown|put) (?:out my back|my back out)\b",
    ),
    # A muscle or tendon that popped is a possible tear ("my bicep popped and bunched
    # up"); a back, neck or knuckle that pops is a joint settling, not one.
    _cue(
        Cat.SHARP,
        r"\b" + _TEARABLE + r"(?: \w+)?? (?:just |kinda |sort of )?(?:popped(?! out)|"
        r"(?<=just )(?:pop|snap)|went pop|go pop|goes pop|went snap|go snap|ripped)\b"
        r"|\b(?:popped|ripped|tore) (?:my|a) "
        r"(?:\w+ )?" + _TEARABLE,
    ),
    _cue(
        Cat.SHARP,
        r"\b(?:pain|hurt|hurts|hurting)" + _gap(3) + r" (?:mid|middle of)(?: the| a| my)?"
        r" (?:rep|set|lift)\b",
    ),
    # ----- joints, tendons, systemic wear
    _cue(
        Cat.JOINT,
        r"\b(?:knees?|kneecaps?|elbows?|wrists?|ankles?|achilles|patellar|tendons?|tendin\w*|"
        r"ligaments?|cartilage|bursitis|rotator cuff|ac joint|joints?|meniscus|it band)\b"
        r"(?! (?:wraps?|sleeves?|straps?|raises?|ups|tucks?|bands?|support)\b)" + _FINE,
    ),
    _cue(
        Cat.JOINT,
        r"\b(?:shoulders?|hips?)(?! flexors?)"
        + _gap(2)
        + r" "
        + _JOINT_PAIN
        + r"\b|\b"
        + _JOINT_PAIN
        + r" (?:in|on) (?:my|the)(?: \w+)? (?:shoulders?|hips?)\b(?! flexors?)"
        r"|\b(?:shoulder|hip) joints?\b"
        r"|\b(?:shoulders?|hips?) (?:clicks?|clicking|pops|popping|grinds?|grinding)\b"
        r"|\bimpinge\w*\b|\b(?:tennis|golfers) elbow\b",
    ),
    _cue(
        Cat.JOINT,
        r"\b(?:worn|run|beat|beaten|banged|burnt|burned) (?:down|up|out)\b"
        r"|\bfeel(?:ing)? (?:so |really |like an? )?old\b|\bold man\b|\bovertrain\w*\b"
        r"|\b(?:tired|exhausted|achy|fatigued) all the time\b"
        r"|\b(?:always|constantly) (?:tired|exhausted|achy|fatigued)\b",
    ),
    # ----- lower back
    _cue(
        Cat.LB_PART,
        r"\b(?:lower back|low back|lumbar|erectors?|spinal erectors?|lower spine|sacrum|"
        r"si joint|lower lumbar)\b" + _FINE,
    ),
    _cue(
        Cat.BACK_BARE,
        r"(?:\b(?:my|the|whole) |^|(?<=, ))back\b(?! (?:of|squats?|extensions?|off|to|in|on)\b)"
        + _FINE,
    ),
    _cue(
        Cat.LB_LIFT,
        r"\b(?:deadlift\w*|squat\w*|rows?|rowing|good mornings?|back extensions?|"
        r"hyperextensions?|hypers|cleans?|kettlebell swings?|swings|bent over|lifting|"
        r"leg day|lifted)\b",
    ),
    _cue(
        Cat.CHRONIC,
        r"\b(?:all the time|daily|constantly|constant|chronic\w*|"
        r"permanently|perpetually|forever|24 7|never goes away|wont go away|doesnt go away|"
        r"never recovers|never gets better|every (?:single )?(?:day|morning|night)|"
        r"each (?:day|morning)|rest days?|for ages)\b"
        r"|\balways\b(?!(?: [a-z0-9]+){0,2} after)"
        r"|\b(?:\d+|a few|a couple|couple|two|three|four|five|six|several|many) (?:of )?"
        r"(?:weeks|months|years)\b(?! ago)"
        r"|\b(?:weeks|months|years) now\b|\bfor (?:weeks|months|years)\b"
        r"|\b(?:a|one|1|whole|over a|for a) (?:month|year)\b(?! ago)"
        # "on sat", "since sat", "last sat": Saturday, not sitting.
        r"|\b(?:sit|sitting|(?<!on )(?<!since )(?<!last )sat|seated|desk|office|posture|"
        r"pelvic tilt|anterior tilt|apt|hip flexors?|standing all day)\b",
    ),
    # ----- pump / burn
    _cue(
        Cat.PUMP,
        r"\b(?:burn|burns|burning|burned|burnt|pump|pumps|pumped|pumping|lactic\w*|on fire|"
        r"feels like fire|cramp\w*|stings?|stinging)\b",
    ),
    # ----- ordinary soreness
    _cue(
        Cat.DOMS,
        r"\b(?:sore\w*|doms|tender\w*|stiff\w*|achy|aches|ache|aching|dull|tight|tightness|"
        r"wrecked|destroyed|cooked|fried|crippl\w*|hobbl\w*|killing me|jelly|tired|fatigued|"
        r"bruised|hit by a truck|barely walk|cant walk|cant sit|cant lift my arms|"
        r"cant raise my arms|stairs|toilet|feels? dead|feels? like jelly)\b",
    ),
    _cue(
        Cat.DOMS,
        r"\b" + _MUSCLE + _gap(3) + r" " + _PAIN + r"\b|\b" + _PAIN + _gap(3) + r" (?:in )?"
        r"(?:my |the )?" + _MUSCLE + r"\b",
    ),
    _cue(
        Cat.DOMS,
        r"\b(?:pain|hurts?|hurting)\b" + _gap(4) + r" (?:day after|next day|days after|"
        r"after (?:the |my |a )?(?:gym|workout|training|session|lifting|leg day|chest day|"
        r"push day|pull day|arm day)|since (?:yesterday|monday|tuesday|wednesday|thursday|"
        r"friday|saturday|sunday))\b",
    ),
)
