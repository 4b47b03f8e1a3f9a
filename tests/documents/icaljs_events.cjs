// Reads a .ics with ical.js (Thunderbird's parser) and prints its events as JSON: what a phone or a
// mail client would see of each. Usage: node icaljs_events.cjs ICAL_JS_PATH FILE.ics
const fs = require("fs");
const ICAL = require(process.argv[2]);
const calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(process.argv[3], "utf8")));
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const alarms = component.getAllSubcomponents("valarm").map((alarm) => {
    const trigger = alarm.getFirstPropertyValue("trigger");
    const at = event.startDate.clone();
    at.isDate = false;  // an all-day event starts at local midnight; the alarm has a time of day
    at.addDuration(trigger);
    return { trigger: trigger.toString(), at: at.toString() };
  });
  return {
    uid: event.uid, sequence: event.sequence, status: component.getFirstPropertyValue("status"),
    start: event.startDate.toString(), isDate: event.startDate.isDate, summary: event.summary,
    dtstamp: component.getFirstPropertyValue("dtstamp").toString(), alarms,
  };
});
process.stdout.write(JSON.stringify({ timezone: calendar.getFirstPropertyValue("x-wr-timezone"), events }));
