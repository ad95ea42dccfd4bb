# CPU protocol v2, latent DiffuLT at guidance w = 4: the latent DiffuLT arm
# (./diffult-latent_resnet32_cifar10lt-jpg.py: same phi0, autoencoder,
# generator, omega, filter, classifier and schedule) with its bank sampled at
# classifier-free guidance w = 4 instead of 8.
#
# Why w = 4: benchmarks/guidance_sweep.py scored the latent arm's generator at
# w = 0, 4, 8 by CAS on held-out real *validation* images (never the test
# set): 31.1, 47.6, 43.9 (benchmarks/RESULTS.md, "guidance sweep"). This arm
# asks whether the better-scored bank moves the classifier.
#
# benchmarks/cpu_protocol.py points stages_dir at the latent arm's seed-0 run
# (its phi0, autoencoder and generator) and bank_dir at this arm's own bank,
# which every classifier seed shares (the bank's seed is the pipeline's, not
# the classifier's).
_base_ = ['./diffult-latent_resnet32_cifar10lt-jpg.py']

custom_hooks = [
    dict(_base_.diffult_synthesis, guidance_scale=4.0),
    dict(type='TrainClassCountsHook'),
]
