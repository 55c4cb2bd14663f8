"""Pages of the lights: the rules (`rulesets`) and the stored lights (`project_lights`); `display` turns
rules, reasons and figures into the office's words for them, the project page and the API."""
