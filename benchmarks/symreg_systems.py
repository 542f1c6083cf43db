"""A zoo of published ODE systems for the symbolic-regression benchmark (issue 15).

Every system is written here from its source (paper or book, cited per system in :data:`CITATIONS`)
as an exact sympy right-hand side with the published constants (decimal constants are read
exactly), one training initial condition, a second initial condition for the held-out test, a time
span and a trajectory length of a few hundred points.  None of them was used to tune lincomb's
regressor: the nine reference systems of :mod:`lincomb.learn.systems` are not in the zoo (where a
zoo entry is the same model, e.g. a pendulum, it has other constants and initial conditions).

Chaotic systems follow the list of the ``dysts`` package (Gilpin, NeurIPS 2021), with the
equations written from the original papers; ``dysts`` is not a dependency.

Classes: 1 to 4 states; polynomial (every right-hand side a polynomial in the states) or not
(rational, Hill, exp, log, logistic, sin/tanh, abs, fractional powers), see :func:`is_polynomial`.

    python benchmarks/symreg_systems.py        # check that every system integrates cleanly
"""

from __future__ import annotations

import sys

import numpy as np
import sympy

from lincomb.learn.systems import ODESystem

__all__ = ["CITATIONS", "ZOO", "check_system", "is_polynomial", "system_class", "zoo_names"]

#: Samples per trajectory unless a system says otherwise ("a few hundred points").
SAMPLES = 400
#: Samples per trajectory of the 3-state systems (the issue's "3-state system of 512 points").
SAMPLES_3 = 512

#: name -> (citation with the equation, source family)
CITATIONS: dict[str, tuple[str, str]] = {}

_SYSTEMS: list[ODESystem] = []


def _add(name, variables, rhs, params, x0, test_x0, t_end, citation, family, samples=None):
    CITATIONS[name] = (citation, family)
    if samples is None:  # 3-state systems get 512 points: the speed target is stated for them
        samples = SAMPLES_3 if len(variables) == 3 else SAMPLES
    _SYSTEMS.append(ODESystem(name, list(variables), rhs, params, [x0], test_x0=test_x0, t_end=t_end,
                              samples=samples))


# ----------------------------------------------------------------------------- chaotic flows (dysts list)
_add("lorenz63_b", "xyz", ["s*(y - x)", "x*(r - z) - y", "x*y - b*z"], {"s": 10, "r": 28, "b": "8/3"},
     [1, 1, 20], [-4, 5, 25], 4.0,
     "Lorenz, J. Atmos. Sci. 20:130 (1963), Eq. (25), s=10, r=28, b=8/3 (other initial conditions than lincomb's)", "chaos")
_add("rossler76", "xyz", ["-y - z", "x + a*y", "b + z*(x - c)"], {"a": "0.1", "b": "0.1", "c": 14},
     [1, 1, 0], [-5, 3, 0.1], 30.0,
     "Rossler, Phys. Lett. A 57:397 (1976), Eq. (2); a=b=0.1, c=14 (Strogatz, Nonlinear Dynamics and Chaos, 2nd ed., Sec. 12.3)", "chaos")
_add("chen", "xyz", ["a*(y - x)", "(c - a)*x - x*z + c*y", "x*y - b*z"], {"a": 35, "b": 3, "c": 28},
     [-10, 0, 37], [5, 8, 20], 3.0, "Chen & Ueta, Int. J. Bifurc. Chaos 9:1465 (1999), Eq. (3); a=35, b=3, c=28", "chaos")
_add("lu_chen", "xyz", ["a*(y - x)", "-x*z + c*y", "x*y - b*z"], {"a": 36, "b": 3, "c": 20},
     [-3, 2, 20], [4, 6, 15], 4.0, "Lu & Chen, Int. J. Bifurc. Chaos 12:659 (2002), Eq. (1); a=36, b=3, c=20", "chaos")
_add("thomas", "xyz", ["sin(y) - b*x", "sin(z) - b*y", "sin(x) - b*z"], {"b": "0.208186"},
     [1, -1, 0.5], [0.1, 2, -1], 60.0,
     "Thomas, Int. J. Bifurc. Chaos 9:1889 (1999), Eq. (1); b=0.208186", "chaos")
_add("sprott_a", "xyz", ["y", "-x + y*z", "1 - y**2"], {}, [0, 5, 0], [0, 3, 1], 20.0,
     "Sprott, Phys. Rev. E 50:R647 (1994), Table I case A (Nose-Hoover)", "chaos")
_add("sprott_b", "xyz", ["y*z", "x - y", "1 - x*y"], {}, [0.1, 0.1, 0.1], [1, 0.5, -0.5], 30.0,
     "Sprott, Phys. Rev. E 50:R647 (1994), Table I case B", "chaos")
_add("sprott_c", "xyz", ["y*z", "x - y", "1 - x**2"], {}, [0.1, 0.1, 0.1], [1, 0.5, -0.5], 30.0,
     "Sprott, Phys. Rev. E 50:R647 (1994), Table I case C", "chaos")
_add("sprott_d", "xyz", ["-y", "x + z", "x*z + 3*y**2"], {}, [0.1, 0.1, 0.1], [0.2, 0.1, -0.1], 30.0,
     "Sprott, Phys. Rev. E 50:R647 (1994), Table I case D", "chaos")
_add("sprott_e", "xyz", ["y*z", "x**2 - y", "1 - 4*x"], {}, [0.1, 0.1, 0.1], [0.3, 0.2, 0.5], 30.0,
     "Sprott, Phys. Rev. E 50:R647 (1994), Table I case E", "chaos")
_add("halvorsen", "xyz", ["-a*x - 4*y - 4*z - y**2", "-a*y - 4*z - 4*x - z**2", "-a*z - 4*x - 4*y - x**2"],
     {"a": "1.4"}, [-5, 0, 0], [-1, -3, 2], 10.0,
     "Sprott, Elegant Chaos (World Scientific 2010), Halvorsen's cyclically symmetric flow, a=1.4 (dysts constants)", "chaos")
_add("aizawa", "xyz", ["(z - b)*x - d*y", "d*x + (z - b)*y", "c + a*z - z**3/3 - (x**2 + y**2)*(1 + e*z) + f*z*x**3"],
     {"a": "0.95", "b": "0.7", "c": "0.6", "d": "3.5", "e": "0.25", "f": "0.1"}, [0.1, 0, 0], [0.5, 0.2, -0.3], 20.0,
     "Langford, in Nonlinear Dynamics and Turbulence (Pitman 1984) / Aizawa (1982); constants of dysts' Aizawa", "chaos")
_add("rabinovich_fabrikant", "xyz", ["y*(z - 1 + x**2) + g*x", "x*(3*z + 1 - x**2) + g*y", "-2*z*(a + x*y)"],
     {"a": "1.1", "g": "0.87"}, [-1, 0, 0.5], [1, 0, 0.5], 20.0,
     "Rabinovich & Fabrikant, Sov. Phys. JETP 50:311 (1979), Eq. (10); a=1.1, g=0.87 (Danca & Chen 2004)", "chaos")
_add("hindmarsh_rose", "xyz", ["y - a*x**3 + b*x**2 - z + I", "c - d*x**2 - y", "r*(s*(x - xr) - z)"],
     {"a": 1, "b": 3, "c": 1, "d": 5, "r": "0.005", "s": 4, "xr": "-1.6", "I": "3.25"},
     [-1.5, -10, 2], [0.5, -5, 3], 60.0,
     "Hindmarsh & Rose, Proc. R. Soc. B 221:87 (1984), Eqs. (5)-(7); a=1, b=3, c=1, d=5, r=0.005, s=4, x_R=-1.6, I=3.25", "chaos")
_add("lorenz84", "xyz", ["-y**2 - z**2 - a*x + a*F", "x*y - b*x*z - y + G", "b*x*y + x*z - z"],
     {"a": "0.25", "b": 4, "F": 8, "G": 1}, [1, 0, 0.5], [2, 1, -1], 20.0,
     "Lorenz, Tellus 36A:98 (1984), Eqs. (1)-(3); a=1/4, b=4, F=8, G=1", "chaos")
_add("genesio_tesi", "xyz", ["y", "z", "-a*x - b*y - c*z + x**2"], {"a": 1, "b": "3.03", "c": 1},
     [0.1, 0.1, 0.1], [-0.2, 0.3, 0.1], 40.0,
     "Genesio & Tesi, Automatica 28:531 (1992), Eq. (3); a=1, b=3.03, c=1", "chaos")
_add("arneodo", "xyz", ["y", "z", "-a*x - b*y - c*z + d*x**3"], {"a": "-5.5", "b": "3.5", "c": 1, "d": -1},
     [0.2, 0.2, 0.2], [-0.5, 0.1, 0.3], 30.0,
     "Arneodo, Coullet & Tresser, Commun. Math. Phys. 79:573 (1981); a=-5.5, b=3.5, c=1, d=-1 (dysts)", "chaos")
_add("burke_shaw", "xyz", ["-s*(x + y)", "-y - s*x*z", "s*x*y + v"], {"s": 10, "v": "4.272"},
     [0.6, 0, 0], [-0.5, 0.5, 0.2], 6.0,
     "Shaw, Z. Naturforsch. 36a:80 (1981); s=10, v=4.272 (dysts' BurkeShaw)", "chaos")
_add("moore_spiegel", "xyz", ["y", "z", "-z - (T - R + R*x**2)*y - T*x"], {"T": 6, "R": 20},
     [0.1, 0.1, 0.1], [-0.3, 0.2, 0.1], 30.0,
     "Moore & Spiegel, Astrophys. J. 143:871 (1966); T=6, R=20 (dysts)", "chaos")
_add("shimizu_morioka", "xyz", ["y", "x - a*y - x*z", "-b*z + x**2"], {"a": "0.75", "b": "0.45"},
     [0.1, 0.1, 0.1], [-0.5, 0.3, 0.2], 60.0,
     "Shimizu & Morioka, Phys. Lett. A 76:201 (1980); a=0.75, b=0.45", "chaos")
_add("rucklidge", "xyz", ["-k*x + l*y - y*z", "x", "-z + y**2"], {"k": 2, "l": "6.7"},
     [1, 0, 4.5], [-1, 0.5, 2], 40.0, "Rucklidge, J. Fluid Mech. 237:209 (1992), Eq. (2.5); k=2, l=6.7", "chaos")
_add("rikitake", "xyz", ["-m*x + y*z", "-m*y + x*(z - a)", "1 - x*y"], {"m": 2, "a": 5},
     [1, 0.5, 1], [-1, -0.5, 2], 30.0, "Rikitake, Proc. Camb. Phil. Soc. 54:89 (1958); Cook & Roberts (1970) form, mu=2, a=5", "chaos")
_add("linz_sprott_abs", "xyz", ["y", "z", "-A*z - y + Abs(x) - 1"], {"A": "0.6"}, [0, 0, 0], [0.5, -0.2, 0.1], 50.0,
     "Linz & Sprott, Phys. Lett. A 259:240 (1999), Eq. (3): x''' = -A x'' - x' + |x| - 1, A=0.6", "chaos")
_add("chua", "xyz", ["a*(y - x - m1*x - (m0 - m1)/2*(Abs(x + 1) - Abs(x - 1)))", "x - y + z", "-b*y"],
     {"a": "15.6", "b": 28, "m0": "-8/7", "m1": "-5/7"}, [0.7, 0, 0], [-0.7, 0.1, 0.2], 30.0,
     "Chua, Komuro & Matsumoto, IEEE Trans. Circuits Syst. 33:1072 (1986), Eqs. (1)-(2); alpha=15.6, beta=28, m0=-8/7, m1=-5/7", "chaos")
_add("rossler_hyperchaos", "xyzw", ["-y - z", "x + a*y + w", "b + x*z", "-c*z + d*w"],
     {"a": "0.25", "b": 3, "c": "0.5", "d": "0.05"}, [-10, -6, 0, 10], [-8, -4, 0.5, 12], 20.0,
     "Rossler, Phys. Lett. A 71:155 (1979), Eq. (1); a=0.25, b=3, c=0.5, d=0.05", "chaos")
_add("lorenz_stenflo", "xyzw", ["a*(y - x) + s*w", "x*(r - z) - y", "x*y - b*z", "-x - a*w"],
     {"a": 2, "b": "0.7", "r": 26, "s": "1.5"}, [1, 1, 1, 1], [-2, 3, 10, 0.5], 8.0,
     "Stenflo, Phys. Scr. 53:83 (1996), Eq. (1); a=2, b=0.7, r=26, s=1.5 (dysts)", "chaos")
_add("vano_lotka_volterra", "xyzw",
     ["x*(1 - x - c12*y - c13*z)", "r2*y*(1 - y - c23*z - c24*w)", "r3*z*(1 - c31*x - z - c34*w)",
      "r4*w*(1 - c41*x - c42*y - c43*z - w)"],
     {"r2": "0.72", "r3": "1.53", "r4": "1.27", "c12": "1.09", "c13": "1.52", "c23": "0.44", "c24": "1.36",
      "c31": "2.33", "c34": "0.47", "c41": "1.21", "c42": "0.51", "c43": "0.35"},
     [0.3, 0.4, 0.3, 0.2], [0.2, 0.2, 0.4, 0.3], 100.0,
     "Vano, Wildenberg, Anderson, Noel & Sprott, Nonlinearity 19:2391 (2006), Eq. (1) with their r and a", "chaos")
_add("henon_heiles", "xypq", ["p", "q", "-x - 2*x*y", "-y - x**2 + y**2"], {}, [0, 0.1, 0.5, 0], [0.1, -0.1, 0.3, 0.2], 30.0,
     "Henon & Heiles, Astron. J. 69:73 (1964), Eq. (3) (Hamilton's equations of Eq. (2)), energy about 1/8", "chaos")

# ----------------------------------------------------------------------------- oscillators, mechanics, electronics
_add("van_der_pol_mu1", "xy", ["y", "m*(1 - x**2)*y - x"], {"m": 1}, [1, 0], [-0.5, 2], 15.0,
     "van der Pol, Phil. Mag. 2:978 (1926); Strogatz Sec. 7.5, mu=1", "oscillator")
_add("duffing_double_well", "xy", ["y", "-d*y + x - x**3"], {"d": "0.3"}, [1.8, 0], [-0.4, 1.2], 20.0,
     "Guckenheimer & Holmes, Nonlinear Oscillations (1983), Eq. (2.2.2) unforced, delta=0.3", "oscillator")
_add("rayleigh", "xy", ["y", "-x + m*(y - y**3/3)"], {"m": 1}, [0.5, 0], [2, -1], 15.0,
     "Rayleigh, The Theory of Sound (1877/1945) Vol. 1 Sec. 68a; mu=1", "oscillator")
_add("fitzhugh_nagumo", "vw", ["v - v**3/3 - w + I", "e*(v + a - b*w)"], {"a": "0.7", "b": "0.8", "e": "0.08", "I": "0.5"},
     [-1, 1], [1.5, -0.5], 60.0, "FitzHugh, Biophys. J. 1:445 (1961), Eqs. (1)-(2); a=0.7, b=0.8, phi=0.08, I=0.5", "oscillator")
_add("tunnel_diode", "xy", ["(-(a1*x - a2*x**2 + a3*x**3 - a4*x**4 + a5*x**5) + y)/C", "(-x - R*y + u)/L"],
     {"a1": "17.76", "a2": "103.79", "a3": "229.62", "a4": "226.31", "a5": "83.72", "C": 2, "L": 5, "R": "1.5", "u": "1.2"},
     [0.1, 0.2], [0.6, 0.5], 30.0,
     "Khalil, Nonlinear Systems (3rd ed. 2002), Sec. 1.2.2, Eq. (1.14)-(1.15) with h(v) of Fig. 1.2; C=2, L=5, R=1.5, u=1.2", "electronics")
_add("pendulum_large", "xy", ["y", "-w*sin(x)"], {"w": 4}, [2.5, 0], [1, 1], 10.0,
     "Strogatz Sec. 6.7, Eq. (1), undamped pendulum, omega^2=4", "mechanics")
_add("damped_pendulum", "xy", ["y", "-b*y - w*sin(x)"], {"b": "0.25", "w": 1}, [3, 0], [-2, 1], 25.0,
     "Strogatz Sec. 6.7, Eq. (5) (damped pendulum), b=0.25, omega^2=1", "mechanics")
_add("josephson_rcsj", "xy", ["y", "(I - sin(x) - y)/b"], {"I": "1.2", "b": 2}, [0, 0], [1, 0.5], 30.0,
     "Stewart, Appl. Phys. Lett. 12:277 (1968) / McCumber (1968); Strogatz Sec. 8.5, Eq. (4): beta phi'' + phi' + sin phi = I, beta=2, I=1.2", "electronics")
_add("josephson_overdamped", "x", ["I - sin(x)"], {"I": "1.5"}, [0], [2], 12.0,
     "Strogatz Sec. 4.6, Eq. (8), overdamped Josephson junction, I/I_c=1.5", "electronics")
_add("adler", "x", ["n - a*sin(x)"], {"n": 1, "a": "1.25"}, [-2], [2.5], 12.0,
     "Adler, Proc. IRE 34:351 (1946); Strogatz Sec. 4.5 (phase locking), nu=1, a=1.25", "oscillator")
_add("coupled_pendula", "abpq", ["p", "q", "-sin(a) + k*(b - a)", "-sin(b) - k*(b - a)"], {"k": "0.2"},
     [1, 0, 0, 0], [0.5, -0.3, 0.2, 0], 30.0,
     "Two spring-coupled pendula, Pikovsky, Rosenblum & Kurths, Synchronization (2001), Sec. 8.1; kappa=0.2", "mechanics")
_add("quadratic_drag", "v", ["g - k*v**2"], {"g": "9.81", "k": "0.1"}, [0], [15], 3.0,
     "Newton's law with quadratic air drag, e.g. Taylor, Classical Mechanics (2005), Eq. (2.52); g=9.81, k/m=0.1", "mechanics")
_add("torricelli", "h", ["q - k*sqrt(h)"], {"q": 1, "k": "0.5"}, [9], [1], 20.0,
     "Torricelli's law with inflow, e.g. Boyce & DiPrima, Elementary Differential Equations, Sec. 2.3; q=1, k=0.5", "mechanics")
_add("diode_rc", "v", ["I - a*(exp(v) - 1) - v/R"], {"I": 2, "a": "0.1", "R": 2}, [0], [3], 5.0,
     "RC circuit with a Shockley diode (Shockley 1949), Chua, Desoer & Kuh, Linear and Nonlinear Circuits (1987), Ch. 2; dimensionless I=2, I_s=0.1, R=2", "electronics")
_add("hopfield_neuron", "x", ["-x + w*tanh(x) + I"], {"w": 2, "I": "0.3"}, [-2], [2], 8.0,
     "Hopfield, PNAS 81:3088 (1984), Eq. (5) for one self-coupled neuron with g = tanh; w=2, I=0.3", "neuro")
_add("wilson_cowan", "EI",
     ["-E + 1/(1 + exp(-(c1*E - c2*I + P)))", "(-I + 1/(1 + exp(-(c3*E - c4*I + Q))))/tau"],
     {"c1": 16, "c2": 12, "c3": 15, "c4": 3, "P": -3, "Q": -7, "tau": 2}, [0.1, 0.05], [0.4, 0.2], 40.0,
     "Wilson & Cowan, Biophys. J. 12:1 (1972), Eqs. (13)-(14) with unit slope sigmoids; c1..c4=16,12,15,3, P=-3, Q=-7, tau=2", "neuro")
_add("neuron_sigmoid", "x", ["-x + 1/(1 + exp(a - b*x))"], {"a": 3, "b": 6}, [0], [1], 8.0,
     "Single excitatory population, Wilson & Cowan, Biophys. J. 12:1 (1972), Eq. (1) logistic response; theta=0.5, slope 6", "neuro")

# ----------------------------------------------------------------------------- chemistry
_add("brusselator", "xy", ["a - (b + 1)*x + x**2*y", "b*x - x**2*y"], {"a": 1, "b": 3}, [1, 1], [2, 3], 20.0,
     "Prigogine & Lefever, J. Chem. Phys. 48:1695 (1968); Strogatz Ex. 7.3.2, a=1, b=3", "chemistry")
_add("selkov", "xy", ["-x + a*y + x**2*y", "b - a*y - x**2*y"], {"a": "0.08", "b": "0.6"}, [0.5, 1.5], [1, 0.5], 40.0,
     "Sel'kov, Eur. J. Biochem. 4:79 (1968); Strogatz Sec. 7.3, Eq. (1), a=0.08, b=0.6", "chemistry")
_add("schnakenberg", "uv", ["a - u + u**2*v", "b - u**2*v"], {"a": "0.1", "b": "0.9"}, [1, 1], [0.5, 1.5], 30.0,
     "Schnakenberg, J. Theor. Biol. 81:389 (1979), Eq. (11); a=0.1, b=0.9", "chemistry")
_add("oregonator_tyson", "xz", ["(x*(1 - x) - f*z*(x - q)/(x + q))/e", "x - z"], {"e": "0.1", "f": 1, "q": "0.01"},
     [0.2, 0.1], [0.5, 0.3], 20.0,
     "Tyson, in Oscillations and Traveling Waves in Chemical Systems (1985), two-variable Oregonator (Field & Noyes 1974); eps=0.1, f=1, q=0.01", "chemistry")
_add("lengyel_epstein", "uv", ["a - u - 4*u*v/(1 + u**2)", "b*(u - u*v/(1 + u**2))"], {"a": 10, "b": 2},
     [1, 1], [3, 5], 20.0, "Lengyel & Epstein, Science 251:650 (1991), Eqs. (3)-(4); a=10, b=2", "chemistry")
_add("michaelis_menten", "SP", ["-V*S/(K + S)", "V*S/(K + S)"], {"V": 1, "K": "1/2"}, [5, 0], [3, 1], 8.0,
     "Michaelis & Menten, Biochem. Z. 49:333 (1913); Vmax=1, K_M=1/2", "chemistry")
_add("briggs_haldane", "SCEP", ["-k1*E*S + km1*C", "k1*E*S - (km1 + k2)*C", "-k1*E*S + (km1 + k2)*C", "k2*C"],
     {"k1": 2, "km1": 1, "k2": "1.5"}, [5, 0, 1, 0], [3, 0.2, 0.8, 1], 15.0,
     "Briggs & Haldane, Biochem. J. 19:338 (1925), mass action E + S <-> C -> E + P; k1=2, k-1=1, k2=1.5", "chemistry")
_add("cstr_arrhenius", "xT", ["-x + D*(1 - x)*exp(T)", "-T + B*D*(1 - x)*exp(T) - b*T"], {"D": "0.072", "B": 8, "b": "0.3"},
     [0.1, 0.5], [0.3, 1.5], 20.0,
     "Uppal, Ray & Poore, Chem. Eng. Sci. 29:967 (1974), Eqs. (5)-(6) in the large-activation-energy limit; Da=0.072, B=8, beta=0.3", "chemistry")
_add("semenov", "T", ["d*exp(T) - T"], {"d": "0.3"}, [0], [1], 10.0,
     "Semenov thermal explosion in Frank-Kamenetskii's approximation, Frank-Kamenetskii, Diffusion and Heat Transfer in Chemical Kinetics (1969), Ch. 6; delta=0.3", "chemistry")
_add("autocatalator", "xy", ["m - k*x - x*y**2", "k*x + x*y**2 - y"], {"m": "0.9", "k": "0.08"}, [1, 0.5], [2, 1], 40.0,
     "Gray & Scott, Chem. Eng. Sci. 38:29 (1983) cubic autocatalysis; isothermal autocatalator form, mu=0.9, kappa=0.08", "chemistry")
_add("toggle_switch", "uv", ["a1/(1 + v**2) - u", "a2/(1 + u**2) - v"], {"a1": 3, "a2": 3}, [2, 0.5], [0.5, 2], 10.0,
     "Gardner, Cantor & Collins, Nature 403:339 (2000), Eq. (1); alpha1=alpha2=3, beta=gamma=2", "chemistry")
_add("repressilator", "xyz", ["a/(1 + z**3) - x", "a/(1 + x**3) - y", "a/(1 + y**3) - z"], {"a": 10},
     [1, 2, 3], [3, 1, 0.5], 30.0,
     "Elowitz & Leibler, Nature 403:335 (2000), protein equations with fast mRNA; alpha=10, n=3", "chemistry")
_add("griffith_autoactivation", "x", ["-a*x + x**2/(1 + x**2)"], {"a": "0.4"}, [1], [3], 20.0,
     "Griffith, J. Theor. Biol. 20:209 (1968); Strogatz Sec. 8.2 exercises (genetic control), a=0.4", "chemistry")
_add("goldbeter_mitotic", "CMX",
     ["vi - vd*X*C/(Kd + C) - kd*C", "V1m*C/(Kc + C)*(1 - M)/(K1 + 1 - M) - V2*M/(K2 + M)",
      "V3m*M*(1 - X)/(K3 + 1 - X) - V4*X/(K4 + X)"],
     {"vi": "0.025", "vd": "0.25", "Kd": "0.02", "kd": "0.01", "V1m": 3, "Kc": "0.5", "K1": "0.005", "V2": "1.5",
      "K2": "0.005", "V3m": 1, "K3": "0.005", "V4": "0.5", "K4": "0.005"}, [0.01, 0.01, 0.01], [0.3, 0.5, 0.2], 100.0,
     "Goldbeter, PNAS 88:9107 (1991), Eqs. (1)-(3) with the constants of Fig. 2", "chemistry")

# ----------------------------------------------------------------------------- ecology and epidemiology
_add("logistic", "x", ["r*x*(1 - x/K)"], {"r": 1, "K": 10}, [0.5], [15], 10.0,
     "Verhulst (1838); Strogatz Sec. 2.3, Eq. (2), r=1, K=10", "ecology")
_add("allee", "x", ["r*x*(x/A - 1)*(1 - x/K)"], {"r": 1, "A": 2, "K": 10}, [3], [8], 3.0,
     "Strong Allee effect, Courchamp, Clutton-Brock & Grenfell, TREE 14:405 (1999); r=1, A=2, K=10", "ecology")
_add("harvesting", "x", ["x*(1 - x) - h"], {"h": "0.2"}, [0.9], [0.5], 10.0,
     "Logistic growth with constant harvest, Strogatz Sec. 3.7 exercises (fisheries), h=0.2", "ecology")
_add("harvesting_saturating", "x", ["x*(1 - x) - h*x/(a + x)"], {"h": "0.3", "a": "0.2"}, [0.9], [0.3], 15.0,
     "Logistic growth with saturating harvest, Strogatz Ex. 3.7.3; h=0.3, a=0.2", "ecology")
_add("spruce_budworm_ljh", "x", ["r*x*(1 - x/K) - x**2/(1 + x**2)"], {"r": "0.5", "K": 7}, [1], [6], 30.0,
     "Ludwig, Jones & Holling, J. Anim. Ecol. 47:315 (1978); Strogatz Sec. 3.7, Eq. (1) dimensionless, r=0.5, K=7 (other constants than lincomb's)", "ecology")
_add("gompertz", "x", ["-r*x*log(x)"], {"r": "0.5"}, [0.1], [2.5], 10.0,
     "Gompertz, Phil. Trans. R. Soc. 115:513 (1825); Laird, Br. J. Cancer 18:490 (1964); x in units of K, r=0.5", "ecology")
_add("von_bertalanffy", "x", ["a*x**(2/3) - b*x"], {"a": 1, "b": "0.5"}, [1], [12], 10.0,
     "von Bertalanffy, Q. Rev. Biol. 32:217 (1957), Eq. (3); a=1, b=0.5", "ecology")
_add("lv_competition", "xy", ["x*(3 - x - 2*y)", "y*(2 - x - y)"], {}, [0.5, 0.4], [2, 1.8], 8.0,
     "Lotka-Volterra competition, Strogatz Sec. 6.4, Eq. (1)", "ecology")
_add("lv_predator_prey_b", "xy", ["x*(a - b*y)", "y*(d*x - c)"], {"a": 1, "b": "0.5", "c": "0.75", "d": "0.25"},
     [2, 1], [4, 3], 20.0, "Lotka (1925) / Volterra (1926); Murray, Mathematical Biology I, Eq. (3.1); a=1, b=0.5, c=0.75, d=0.25", "ecology")
_add("rosenzweig_macarthur", "xy", ["r*x*(1 - x/K) - a*x*y/(1 + a*h*x)", "e*a*x*y/(1 + a*h*x) - m*y"],
     {"r": 1, "K": 3, "a": 1, "h": 1, "e": 1, "m": "0.4"}, [1, 0.5], [2, 1], 40.0,
     "Rosenzweig & MacArthur, Am. Nat. 97:209 (1963), Holling type II; r=1, K=3, a=1, h=1, e=1, m=0.4", "ecology")
_add("beddington_deangelis", "xy", ["x*(1 - x) - a*x*y/(1 + b*x + c*y)", "e*a*x*y/(1 + b*x + c*y) - d*y"],
     {"a": 4, "b": 2, "c": 1, "e": 1, "d": "0.5"}, [0.5, 0.2], [0.8, 0.6], 40.0,
     "Beddington, J. Anim. Ecol. 44:331 (1975); DeAngelis et al., Ecology 56:881 (1975); a=4, b=2, c=1, e=1, d=0.5", "ecology")
_add("holling_tanner", "xy", ["x*(1 - x) - a*x*y/(d + x)", "s*y*(1 - h*y/x)"], {"a": 1, "d": "0.1", "s": "0.2", "h": "0.5"},
     [0.5, 0.3], [0.3, 0.5], 50.0,
     "Tanner, Ecology 56:855 (1975); May, Stability and Complexity (1973); a=1, d=0.1, s=0.2, h=0.5", "ecology")
_add("hastings_powell", "xyz", ["x*(1 - x) - a1*x*y/(1 + b1*x)", "a1*x*y/(1 + b1*x) - a2*y*z/(1 + b2*y) - d1*y",
                                 "a2*y*z/(1 + b2*y) - d2*z"],
     {"a1": 5, "b1": 3, "a2": "0.1", "b2": 2, "d1": "0.4", "d2": "0.01"}, [0.8, 0.2, 9], [0.5, 0.3, 8], 200.0,
     "Hastings & Powell, Ecology 72:896 (1991), Eq. (3); a1=5, b1=3, a2=0.1, b2=2, d1=0.4, d2=0.01", "ecology")
_add("sir", "SIR", ["-b*S*I", "b*S*I - g*I", "g*I"], {"b": "0.5", "g": "0.1"}, [0.99, 0.01, 0], [0.9, 0.1, 0], 60.0,
     "Kermack & McKendrick, Proc. R. Soc. A 115:700 (1927); normalised, beta=0.5, gamma=0.1", "epidemiology")
_add("seir", "SEIR", ["-b*S*I", "b*S*I - s*E", "s*E - g*I", "g*I"], {"b": 1, "s": "0.2", "g": "0.1"},
     [0.98, 0.01, 0.01, 0], [0.9, 0.05, 0.05, 0], 100.0,
     "Anderson & May, Infectious Diseases of Humans (1991), SEIR without demography; beta=1, sigma=0.2, gamma=0.1", "epidemiology")
_add("seir_saturating", "SEIR", ["-b*S*I/(1 + a*I)", "b*S*I/(1 + a*I) - s*E", "s*E - g*I", "g*I"],
     {"b": 1, "a": 10, "s": "0.2", "g": "0.1"}, [0.98, 0.01, 0.01, 0], [0.9, 0.05, 0.05, 0], 150.0,
     "Capasso & Serio, Math. Biosci. 42:43 (1978), saturating incidence beta S I/(1 + alpha I); beta=1, alpha=10, sigma=0.2, gamma=0.1", "epidemiology")
_add("stommel", "TS", ["e1 - T*(1 + Abs(T - S))", "e2 - S*(e3 + Abs(T - S))"], {"e1": 3, "e2": 1, "e3": "0.3"},
     [0.5, 0.5], [2, 1], 10.0, "Stommel, Tellus 13:224 (1961), dimensionless form of Cessi, J. Phys. Oceanogr. 24:1911 (1994); eta1=3, eta2=1, eta3=0.3", "climate")


#: The zoo, by name.
ZOO: dict[str, ODESystem] = {system.name: system for system in _SYSTEMS}
if len(ZOO) != len(_SYSTEMS):  # pragma: no cover - a duplicated name would silently drop a system
    raise RuntimeError("duplicate system names in the zoo")


def zoo_names() -> list[str]:
    """Names of the zoo's systems, in the order above.

    Examples
    --------
    >>> len(zoo_names()) >= 60
    True
    """
    return list(ZOO)


def is_polynomial(system: ODESystem) -> bool:
    """Whether every right-hand side is a polynomial in the state variables.

    Examples
    --------
    >>> is_polynomial(ZOO["brusselator"]), is_polynomial(ZOO["toggle_switch"])
    (True, False)
    """
    return all(sympy.expand(e).is_polynomial(*system.symbols) for e in system.equations())


def system_class(system: ODESystem) -> str:
    """The benchmark class of a system: ``"<n>-state <polynomial|non-polynomial>"``.

    Examples
    --------
    >>> system_class(ZOO["thomas"])
    '3-state non-polynomial'
    """
    return f"{system.dimension}-state {'polynomial' if is_polynomial(system) else 'non-polynomial'}"


def check_system(system: ODESystem, bound: float = 1e4, min_range: float = 1e-2) -> list[str]:
    """Problems of a system's training and test trajectories (empty list: integrates cleanly).

    A trajectory must be finite, stay within ``bound`` and have each state vary over the span
    by at least ``min_range`` times ``min(1, max |x_i|)``.

    Examples
    --------
    >>> check_system(ZOO["logistic"])
    []
    """
    problems = []
    t = system.time_grid()
    for label, x0 in (("train", system.x0s[0]), ("test", system.test_x0)):
        try:
            X = system.simulate(t, x0=x0)
        except Exception as error:  # an integration failure is a problem to report
            problems.append(f"{label}: {error}")
            continue
        if not np.all(np.isfinite(X)) or np.abs(X).max() > bound:
            problems.append(f"{label}: not finite or beyond {bound}")
            continue
        spread = X.max(axis=0) - X.min(axis=0)
        scale = np.maximum(1.0, np.abs(X).max(axis=0))
        flat = [system.names[i] for i in range(system.dimension) if spread[i] < min_range * min(scale[i], 1.0)]
        if flat:
            problems.append(f"{label}: states {flat} hardly vary (range {spread.round(4).tolist()})")
    return problems


if __name__ == "__main__":
    bad = 0
    for name, system in ZOO.items():
        problems = check_system(system)
        bad += bool(problems)
        print(f"{name:26s} {system_class(system):26s} {'; '.join(problems) or 'ok'}")
    counts = {}
    for system in ZOO.values():
        counts[system_class(system)] = counts.get(system_class(system), 0) + 1
    print(len(ZOO), "systems;", sum(not is_polynomial(s) for s in ZOO.values()), "non-polynomial;", counts)
    sys.exit(1 if bad else 0)
