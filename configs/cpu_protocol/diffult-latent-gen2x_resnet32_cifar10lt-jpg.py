# CPU protocol v2, latent DiffuLT with a generator trained twice as long: the
# latent DiffuLT arm (./diffult-latent_resnet32_cifar10lt-jpg.py: same phi0,
# autoencoder, omega, filter, sampler, guidance w = 8, classifier and
# schedule) with its generator trained for 4,108 iterations instead of 2,054.
#
# Why: the generator is the whole gap between the generated arm and the
# oracle (+12.6 over the oversampling control, benchmarks/RESULTS.md), and
# its held-out CAS was still rising with training time (generator
# efficiency benchmark). The generator stage continues the latent arm's
# seed-0 generator from its iteration 2,054 (`generator_resume_from`: the
# whole training state, so only iterations 2,055-4,108 are trained; the
# schedule holds the learning rate constant after its 100-iteration warm-up,
# so this is the recipe of a 4,108-iteration run), on the autoencoder and
# with the phi0 of that run (set DIFFULT_LATENT_STAGES to another run folder
# of the latent arm to continue that one).
_base_ = ['./diffult-latent_resnet32_cifar10lt-jpg.py']

latent_stages = '{{$DIFFULT_LATENT_STAGES:work_dirs/benchmarks/cpu-v2_diffult-latent_resnet32_cifar10lt-jpg/seed0}}'  # noqa: E501
# Twice the latent arm's diffult_latent_iters (checked by a test).
diffult_generator_iters = 4108

custom_hooks = [
    dict(
        _base_.diffult_synthesis,
        phi0_checkpoint=latent_stages + '/phi0/epoch_30.pth',
        generator_resume_from=latent_stages + '/generator/iter_2054.pth',
        generator_cfg_options={
            'model.aid': None,
            'model.autoencoder.checkpoint':
            latent_stages + '/autoencoder/iter_1000.pth',
            'train_cfg.max_iters': diffult_generator_iters,
            'train_cfg.val_interval': diffult_generator_iters,
        }),
    dict(type='TrainClassCountsHook'),
]
