// Sign-up: preselect the role card from ?role=client or ?role=freelancer (links on the landing
// page), unless the person has already chosen one (e.g. the form came back with errors).
const role = new URLSearchParams(window.location.search).get("role");
const radios = document.querySelectorAll('input[type="radio"][name="role"]');
const chosen = Array.from(radios).some((radio) => radio.checked);

if (role && !chosen) {
  const match = Array.from(radios).find((radio) => radio.value === role);
  if (match) match.checked = true;
}
