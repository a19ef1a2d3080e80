package dev.r1serve.reward.verify.internal;

/** Minimal complex arithmetic for numeric evaluation of answers (doubles are plenty for comparison). */
public record Complex(double re, double im) {
    public static final Complex ZERO = new Complex(0, 0);
    public static final Complex ONE = new Complex(1, 0);
    public static final Complex I = new Complex(0, 1);

    public static Complex real(double x) {
        return new Complex(x, 0);
    }

    public boolean isReal() {
        return Math.abs(im) <= 1e-12 * Math.max(1, Math.abs(re));
    }

    public boolean isFinite() {
        return Double.isFinite(re) && Double.isFinite(im);
    }

    public double abs() {
        return Math.hypot(re, im);
    }

    public Complex add(Complex o) {
        return new Complex(re + o.re, im + o.im);
    }

    public Complex sub(Complex o) {
        return new Complex(re - o.re, im - o.im);
    }

    public Complex neg() {
        return new Complex(-re, -im);
    }

    public Complex mul(Complex o) {
        return new Complex(re * o.re - im * o.im, re * o.im + im * o.re);
    }

    public Complex div(Complex o) {
        double d = o.re * o.re + o.im * o.im;
        if (d == 0) return new Complex(Double.NaN, Double.NaN);
        return new Complex((re * o.re + im * o.im) / d, (im * o.re - re * o.im) / d);
    }

    public Complex exp() {
        double m = Math.exp(re);
        return new Complex(m * Math.cos(im), m * Math.sin(im));
    }

    public Complex log() {
        return new Complex(Math.log(abs()), Math.atan2(im, re));
    }

    public Complex pow(Complex o) {
        if (o.im == 0 && im == 0) {
            double e = o.re;
            if (re >= 0 || e == Math.rint(e)) return real(Math.pow(re, e));
            // Real odd roots of negatives: (-8)^(1/3) = -2, as a textbook reads it.
            double inv = 1 / e;
            if (Math.abs(inv - Math.rint(inv)) < 1e-9 && ((long) Math.rint(inv)) % 2 != 0)
                return real(-Math.pow(-re, e));
        }
        if (re == 0 && im == 0) return o.re > 0 ? ZERO : new Complex(Double.NaN, Double.NaN);
        return o.mul(log()).exp();
    }

    public Complex sqrt() {
        if (im == 0 && re >= 0) return real(Math.sqrt(re));
        return pow(real(0.5));
    }

    public Complex sin() {
        return new Complex(Math.sin(re) * Math.cosh(im), Math.cos(re) * Math.sinh(im));
    }

    public Complex cos() {
        return new Complex(Math.cos(re) * Math.cosh(im), -Math.sin(re) * Math.sinh(im));
    }
}
