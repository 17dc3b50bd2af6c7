"""Messages for the themes tests: a new problem (the laptop loan kiosk) worded forty ways, as
students and staff would write it, for which config/topics.yaml has no topic."""

from __future__ import annotations

KIOSK = (
    "The laptop loan kiosk on the ground floor won't release a laptop when I scan my card",
    "laptop lending machine by the entrance just says 'error 14' and keeps my card",
    "Tried to borrow a laptop from the self-service locker thing, the door never opened",
    "the laptop kiosk ate my student card again, had to get security to get it back",
    "Why does the laptop dispenser say no laptops available when I can see six in there?",
    "laptop loan locker stuck on 'please wait' for 10 minutes, gave up",
    "Returned my loan laptop to the kiosk but it still says I have it out",
    "The laptop return slot won't accept the laptop, it keeps beeping",
    "kiosk for borrowing laptops is frozen on the welcome screen",
    "Hi, the laptop locker door popped open but the laptop inside was flat, 2% battery",
    "can someone reset the laptop lending kiosk? it's showing a blue screen",
    "I got charged a late fee for a laptop I returned to the kiosk yesterday, it didn't register",
    "The laptop loans machine doesn't recognise the new student cards",
    "laptop kiosk touchscreen doesn't respond, I pressed borrow about 20 times",
    "The locker for short loan laptops opened the wrong door, someone else's bay",
    "Laptop kiosk says my account is blocked but I have no fines",
    "tried three times to take out a laptop from the dispensing machine, it times out every time",
    "Is the laptop loan kiosk broken? It has an out of order sign, nobody knows when it's fixed",
    "The laptop borrowing station keeps logging me out halfway through",
    "Laptop self-issue kiosk rejected my card and told me to see staff, staff said use the kiosk",
    "every laptop I take from the kiosk has no charger and dies within an hour",
    "kiosk wouldn't let me return the laptop so I've left it at the desk, please check it in",
    "The laptop lending locker has been down all week, I need one for my exam prep",
    "laptop vending thing on floor 0 shows 'communication error' when you tap your card",
    "Could the laptop kiosk give a receipt? It took the laptop back but I've no proof",
    "The 4 hour laptop loan from the machine ended early, it locked me out after 2 hours",
    "lending kiosk gave me a laptop that's still logged in as the previous student",
    "The laptop loan point won't read my phone's digital ID card",
    "Laptop kiosk door jammed halfway, couldn't get the laptop out",
    "the self service laptop cabinet says maintenance mode every evening",
    "Laptop hire machine charged my account twice for one loan",
    "can't borrow a laptop, the kiosk says 'max loans reached' but I have none out",
    "the laptop kiosk beeps and flashes red when I put the laptop back in bay 7",
    "Borrowed a laptop from the automated locker and it won't boot, returned it straight away",
    "laptop loans kiosk is really slow, queue of 8 people waiting at lunchtime",
    "The laptop kiosk instructions are only in English and the screen is too small to read",
    "I can't reach the laptop kiosk screen from my wheelchair, it's mounted too high",
    "Laptop dispenser keeps crashing when you pick the 'return' option",
    "kiosk shows all laptop bays as empty though the lights say charged",
    "The laptop loan kiosk swallowed my card and then rebooted",
)

NEXT = "The laptop lending kiosk froze again and wouldn't give me a laptop after scanning my card"
